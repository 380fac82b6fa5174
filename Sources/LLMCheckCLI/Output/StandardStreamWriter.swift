import HTTPWire

/// Writes text to a standard stream (descriptor 1 or 2) with `write(2)`, never trapping.
///
/// Foundation's `FileHandle.write(_:)` traps on `EPIPE` ("Broken pipe" backtrace, exit 132) when the
/// reader went away, as in `llmcheck run --list | head -3`. Here a closed reader is an ordinary result:
/// ``write(_:)`` returns false and the caller stops writing to that stream.
struct StandardStreamWriter: Sendable {
    /// The descriptor written to.
    let fileDescriptor: Int32

    /// Writes all of `text`. Returns false if the stream is closed (`EPIPE`) or otherwise unwritable.
    func write(_ text: String) -> Bool {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let result: Int?
            do {
                result = try bytes.withUnsafeMutableBytes { raw in
                    try Syscalls.writeBytes(fileDescriptor, UnsafeRawBufferPointer(rebasing: raw[offset...]))
                }
            } catch {
                return false
            }
            guard let written = result else {
                // A non-blocking descriptor inherited from the parent: wait until it drains.
                let ready = try? Syscalls.pollOne(fileDescriptor, events: .writable, timeoutMilliseconds: 1000)
                if ready == nil { return false }
                continue
            }
            if written == 0 { return false }
            offset += written
        }
        return true
    }
}
