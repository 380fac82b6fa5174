import Foundation

/// Counts of this process's open resources, for leak tests (Linux `/proc`; nil elsewhere).
public enum ProcessResources {
    /// Number of open file descriptors (`/proc/self/fd`).
    public static func openDescriptorCount() -> Int? {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd"))?.count
    }

    /// Number of threads (`/proc/self/task`).
    public static func threadCount() -> Int? {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task"))?.count
    }
}
