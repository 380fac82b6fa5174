import Foundation
import HTTPWire
import TestSupport
import Testing

/// The helper-process wrapper the TLS tests stand on: exit statuses, output capture, and a
/// bounded stop that cannot hang on a child that ignores `SIGTERM`.
@Suite("ChildProcess (posix_spawn test helper)", .timeLimit(.minutes(1)))
struct ChildProcessTests {
    private func shell(_ script: String, in directory: TemporaryDirectory) throws -> ChildProcess {
        let sh = try #require(ChildProcess.findExecutable("sh"), "no sh in PATH")
        return try ChildProcess(executable: sh, arguments: ["-c", script], outputPath: directory.file("out.log"))
    }

    @Test func capturesExitCodeAndBothOutputStreams() async throws {
        try await withTemporaryDirectory { directory in
            let child = try shell("echo to-stdout; echo to-stderr >&2; exit 3", in: directory)
            #expect(await child.waitForExit(timeout: .seconds(10)))
            #expect(child.status == .exited(3))
            #expect(child.output.contains("to-stdout") && child.output.contains("to-stderr"), "\(child.output)")
        }
    }

    @Test func stopEscalatesToKillWhenTermIsIgnored() async throws {
        try await withTemporaryDirectory { directory in
            let child = try shell("trap '' TERM; echo ready; while :; do sleep 0.05; done", in: directory)
            _ = try await child.waitForOutputLine(timeout: .seconds(10)) { $0 == "ready" ? true : nil }
            #expect(await child.stop(grace: .milliseconds(200)))
            #expect(child.status == .signalled(9), "\(String(describing: child.status))")
        }
    }

    @Test func readinessWaitReportsAChildThatDiesEarly() async throws {
        try await withTemporaryDirectory { directory in
            let child = try shell("echo 'bad option' >&2; exit 1", in: directory)
            let error = await #expect(throws: ChildProcessError.self) {
                try await child.waitForOutputLine(timeout: .seconds(10)) { $0.hasPrefix("ACCEPT") ? true : nil }
            }
            #expect(error?.description.contains("exited with code 1") == true, "\(String(describing: error))")
            #expect(error?.output.contains("bad option") == true)
        }
    }

    @Test(.enabled(if: ProcessResources.isAvailable, "needs /proc (Linux)"))
    func childInheritsNoDescriptorOfThisProcess() async throws {
        // Descriptors without FD_CLOEXEC (here Foundation pipes) would otherwise live on in the
        // helper, e.g. keeping a parallel test's socket open after that test closed it.
        try await withTemporaryDirectory { directory in
            let pipes = [Pipe(), Pipe(), Pipe()]
            defer {
                for pipe in pipes {
                    try? pipe.fileHandleForReading.close()
                    try? pipe.fileHandleForWriting.close()
                }
            }
            // The child's `ls` opens /proc/self/fd as its lowest free descriptor (3), so only
            // higher numbers tell an inherited descriptor apart; three pipes give at least four.
            let staged = pipes.flatMap { [$0.fileHandleForReading.fileDescriptor, $0.fileHandleForWriting.fileDescriptor] }
                .filter { $0 > 3 }
            #expect(staged.count >= 4)
            let octalCloseOnExec = 0o2000000
            for fd in staged {
                // Precondition (corelibs Foundation's Pipe calls plain pipe()); if it ever changes,
                // stage other descriptors without FD_CLOEXEC here.
                let flags = try String(contentsOfFile: "/proc/self/fdinfo/\(fd)", encoding: .utf8)
                    .split(separator: "\n").first { $0.hasPrefix("flags:") }
                    .flatMap { Int($0.dropFirst("flags:".count).trimmingCharacters(in: .whitespaces), radix: 8) }
                #expect(try #require(flags) & octalCloseOnExec == 0, "fd \(fd) has O_CLOEXEC: not a useful probe")
            }
            let child = try shell("ls /proc/self/fd", in: directory)
            #expect(await child.waitForExit(timeout: .seconds(10)))
            let descriptors = child.output.split(whereSeparator: \.isWhitespace).compactMap { Int32($0) }
            #expect(descriptors.contains(0) && descriptors.contains(2), "\(child.output)")
            // Only the staged descriptors are checked: others that parallel tests open between the
            // /proc/self/fd listing and the spawn can slip through unless they are O_CLOEXEC.
            let leaked = staged.filter(descriptors.contains)
            #expect(leaked.isEmpty, "descriptors \(leaked) leaked into the child: \(descriptors)")
        }
    }
}
