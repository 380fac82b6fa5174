import Foundation

/// This process's open resources, for leak tests (Linux `/proc`; nil or empty elsewhere).
///
/// Counting all descriptors is racy when tests run in parallel, so prefer the targeted checks:
/// ``threadNames()`` filtered by a server's thread-name prefix and ``openSocketCount(port:)``.
public enum ProcessResources {
    /// Whether `/proc` introspection works here (Linux); gate leak tests on it.
    public static var isAvailable: Bool { FileManager.default.fileExists(atPath: "/proc/self/task") }

    /// Number of open file descriptors (`/proc/self/fd`).
    public static func openDescriptorCount() -> Int? {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd"))?.count
    }

    /// Number of threads (`/proc/self/task`).
    public static func threadCount() -> Int? {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task"))?.count
    }

    /// The name (`comm`) of the calling thread.
    public static func currentThreadName() -> String? {
        guard let data = FileManager.default.contents(atPath: "/proc/thread-self/comm") else { return nil }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The name (`comm`) of every thread of this process.
    public static func threadNames() -> [String] {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
        return tasks.compactMap { task in
            guard let data = FileManager.default.contents(atPath: "/proc/self/task/\(task)/comm") else { return nil }
            return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }

    /// How many of this process's descriptors are TCP sockets whose local or remote port is `port`.
    ///
    /// Matches the socket inodes of `/proc/net/tcp` and `/proc/net/tcp6` against the links in
    /// `/proc/self/fd`, so parallel tests on other ports do not disturb the count.
    public static func openSocketCount(port: UInt16) -> Int {
        var inodes = Set<String>()
        let hexPort = String(format: "%04X", port)
        for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
            guard let text = try? String(contentsOfFile: table, encoding: .utf8) else { continue }
            for line in text.split(separator: "\n").dropFirst() {
                let columns = line.split(separator: " ", omittingEmptySubsequences: true)
                guard columns.count > 9 else { continue }
                let local = columns[1].split(separator: ":").last.map(String.init)
                let remote = columns[2].split(separator: ":").last.map(String.init)
                if local == hexPort || remote == hexPort {
                    let inode = String(columns[9])
                    if inode != "0" { inodes.insert(inode) }
                }
            }
        }
        guard !inodes.isEmpty else { return 0 }
        let fds = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        var count = 0
        for fd in fds {
            guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(fd)"),
                target.hasPrefix("socket:[")
            else { continue }
            let inode = target.dropFirst("socket:[".count).dropLast()
            if inodes.contains(String(inode)) { count += 1 }
        }
        return count
    }
}
