extension HTTPServer {
    /// What connection threads share with the server. Immutable apart from the flags.
    final class Context: Sendable {
        let configuration: HTTPServerConfiguration
        let handler: HTTPHandler
        /// Readable once stop begins (never drained): idle connections end.
        let stopPipe: Int32
        let stopPipeWrite: Int32
        /// Readable once the grace period is over: in-flight work is cut short.
        let forcePipe: Int32
        let forcePipeWrite: Int32
        /// The readiness queue of idle connections (and of `stopPipe`, token 0).
        let queue: Int32
        private let flags = LockedValue((stopping: false, forced: false))

        /// Makes sure a thread waits for ready connections; called by a connection whose handler
        /// is about to block (see ``HTTPServerConfiguration/handlersBlockOnlyThroughWriter``).
        let ensureWaitingThread: @Sendable () -> Void

        init(
            configuration: HTTPServerConfiguration, handler: @escaping HTTPHandler,
            ensureWaitingThread: @escaping @Sendable () -> Void
        ) throws {
            self.configuration = configuration
            self.handler = handler
            self.ensureWaitingThread = ensureWaitingThread
            var opened: [Int32] = []
            do {
                let stop = try Syscalls.makePipe()
                opened += [stop.read, stop.write]
                let force = try Syscalls.makePipe()
                opened += [force.read, force.write]
                let queue = try Syscalls.makeReadinessQueue()
                opened.append(queue)
                try Syscalls.watchReadable(queue, fd: stop.read, token: Self.stopToken, trigger: .level)
                (stopPipe, stopPipeWrite) = stop
                (forcePipe, forcePipeWrite) = force
                self.queue = queue
            } catch {
                for fd in opened { Syscalls.closeDescriptor(fd) }
                throw error
            }
        }

        /// The queue token of the stop pipe; connection ids start at 1.
        static let stopToken: UInt64 = 0

        var isStopping: Bool { flags.withLock { $0.stopping } }
        var isForced: Bool { flags.withLock { $0.forced } }

        func signalStop() {
            flags.withLock { $0.stopping = true }
            Self.poke(stopPipeWrite)
        }

        func signalForce() {
            flags.withLock { $0.forced = true }
            Self.poke(forcePipeWrite)
        }

        private static func poke(_ fd: Int32) {
            let byte: [UInt8] = [1]
            _ = byte.withUnsafeBytes { try? Syscalls.writeBytes(fd, $0) }
        }

        func closePipes() {
            for fd in [queue, stopPipe, stopPipeWrite, forcePipe, forcePipeWrite] { Syscalls.closeDescriptor(fd) }
        }
    }
}
