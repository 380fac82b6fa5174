import Foundation
import HTTPWire

/// Where this process runs: natively, in a container, or in WSL.
public struct RuntimeContext: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        case native, docker, podman, container, wsl
    }

    public var kind: Kind
    /// What gave it away (`/.dockerenv`, `/proc/version mentions microsoft`, …).
    public var clues: [String]
    /// Likely address of the host machine (WSL NAT: resolv.conf nameserver; containers: default gateway).
    public var hostAddressHint: String?

    public var isContainer: Bool { kind == .docker || kind == .podman || kind == .container }

    public init(kind: Kind, clues: [String] = [], hostAddressHint: String? = nil) {
        self.kind = kind
        self.clues = clues
        self.hostAddressHint = hostAddressHint
    }

    /// Detects the context from files under `root` and the environment.
    public static func detect(root: String, environment: [String: String]) -> RuntimeContext {
        func path(_ p: String) -> String { root == "/" ? p : (root as NSString).appendingPathComponent(p) }
        func read(_ p: String) -> String? {
            guard let data = readWholeFile(path(p)) else { return nil }
            return String(decoding: data.prefix(65536), as: UTF8.self)
        }
        func exists(_ p: String) -> Bool { FileManager.default.fileExists(atPath: path(p)) }

        var clues: [String] = []
        var kind = Kind.native
        if exists("/.dockerenv") {
            kind = .docker
            clues.append("/.dockerenv exists")
        }
        if exists("/run/.containerenv") {
            kind = .podman
            clues.append("/run/.containerenv exists")
        }
        if kind == .native, let cgroup = read("/proc/1/cgroup") {
            let lower = cgroup.lowercased()
            for marker in ["docker", "kubepods", "containerd", "libpod"] where lower.contains(marker) {
                kind = marker == "libpod" ? .podman : marker == "docker" ? .docker : .container
                clues.append("/proc/1/cgroup mentions \(marker)")
                break
            }
        }
        // Containers that leave no file behind (cgroup v2 shows "0::/") still say so in the
        // environment: `container=` (podman, systemd-nspawn), Kubernetes pods, dev containers.
        if kind == .native {
            if let value = environment["container"], !value.isEmpty {
                kind = value == "podman" ? .podman : value == "docker" ? .docker : .container
                clues.append("container=\(value)")
            } else if let name = ["KUBERNETES_SERVICE_HOST", "REMOTE_CONTAINERS", "CODESPACES", "DEVCONTAINER"]
                .first(where: { environment[$0].map { !$0.isEmpty && $0 != "false" } ?? false })
            {
                kind = .container
                clues.append("\(name) is set")
            }
        }
        if kind == .native {
            let version = read("/proc/version")?.lowercased() ?? ""
            if version.contains("microsoft") || version.contains("wsl") {
                kind = .wsl
                clues.append("/proc/version mentions Microsoft/WSL")
            }
            if let distro = environment["WSL_DISTRO_NAME"], !distro.isEmpty {
                kind = .wsl
                clues.append("WSL_DISTRO_NAME=\(distro)")
            }
        }
        var hint: String?
        if kind == .wsl, let resolv = read("/etc/resolv.conf") {
            hint = resolv.split(separator: "\n").first { $0.hasPrefix("nameserver") }?
                .split(separator: " ").last.map(String.init)
        }
        if hint == nil, kind != .native, let route = read("/proc/net/route") {
            hint = defaultGateway(fromRouteTable: route)
        }
        return RuntimeContext(kind: kind, clues: clues, hostAddressHint: hint)
    }

    /// Reads a file to its end. `/proc` files report size 0, so reading by size would cut them
    /// (a busy `/proc/net/tcp` is far longer than one page).
    static func readWholeFile(_ path: String) -> Data? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        return try? handle.readToEnd() ?? Data()
    }

    /// The default gateway from `/proc/net/route` (hex little-endian), e.g. `172.17.0.1`.
    static func defaultGateway(fromRouteTable table: String) -> String? {
        for line in table.split(separator: "\n").dropFirst() {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count > 2, fields[1] == "00000000", let g = UInt32(fields[2], radix: 16), g != 0 else { continue }
            return "\(g & 0xff).\((g >> 8) & 0xff).\((g >> 16) & 0xff).\((g >> 24) & 0xff)"
        }
        return nil
    }

    /// Local TCP listeners on `port` from `/proc/net/tcp{,6}` (state 0A), as numeric addresses;
    /// nil when neither file can be read (not Linux).
    static func listeners(port: UInt16, root: String) -> [String]? {
        procListeners(port: port, root: root).map { $0.map(\.address) }
    }

    /// Rows of `/proc/net/tcp{,6}` listening (0A) on `port`: address and socket inode. A busy
    /// machine has thousands of rows (TIME_WAIT sockets), so a row is split into fields only when
    /// its bytes contain `:PORT ` in the table's upper-case hex.
    static func procListeners(port: UInt16, root: String) -> [(address: String, inode: String)]? {
        func path(_ p: String) -> String { root == "/" ? p : (root as NSString).appendingPathComponent(p) }
        let needle = Array(":\(String(format: "%04X", port)) ".utf8)
        var found: [(address: String, inode: String)] = []
        var readAny = false
        for (file, v6) in [("/proc/net/tcp", false), ("/proc/net/tcp6", true)] {
            guard let data = readWholeFile(path(file)) else { continue }
            readAny = true
            for row in [UInt8](data).split(separator: 10).dropFirst() where contains(row, needle) {
                let f = String(decoding: row, as: UTF8.self).split(separator: " ")
                guard f.count > 3, f[3] == "0A" else { continue }
                let local = f[1].split(separator: ":")
                guard local.count == 2, UInt16(local[1], radix: 16) == port else { continue }
                found.append((decodeProcAddress(String(local[0]), v6: v6), f.count > 9 ? String(f[9]) : ""))
            }
        }
        return readAny ? found : nil
    }

    private static func contains(_ row: ArraySlice<UInt8>, _ needle: [UInt8]) -> Bool {
        guard row.count >= needle.count else { return false }
        var i = row.startIndex
        let last = row.endIndex - needle.count
        while i <= last {
            if row[i] == needle[0], row[i..<(i + needle.count)].elementsEqual(needle) { return true }
            i += 1
        }
        return false
    }

    /// A local listener and the process that owns it.
    struct Listener: Sendable, Hashable {
        var address: String
        var inode: String
        var pid: Int?
        var command: String?

        var description: String {
            address + (command.map { " owned by \($0)" } ?? "") + (pid.map { " (PID \($0))" } ?? "")
        }
    }

    /// Listeners on `port` with their owning process (Linux `/proc`; owners need permission to read
    /// other processes' `fd` directories, otherwise only the address is known).
    static func listenerOwners(port: UInt16, root: String) -> [Listener] {
        readListenerOwners(port: port, root: root) ?? []
    }

    /// ``listenerOwners(port:root:)``, or nil when `/proc/net/tcp{,6}` cannot be read (not Linux).
    static func readListenerOwners(port: UInt16, root: String) -> [Listener]? {
        func path(_ p: String) -> String { root == "/" ? p : (root as NSString).appendingPathComponent(p) }
        guard let rows = procListeners(port: port, root: root) else { return nil }
        var listeners = rows.map { Listener(address: $0.address, inode: $0.inode) }
        guard listeners.allSatisfy({ !$0.inode.isEmpty }) else { return listeners }
        guard !listeners.isEmpty, let pids = try? FileManager.default.contentsOfDirectory(atPath: path("/proc")) else { return listeners }
        let wanted = Dictionary(listeners.enumerated().map { ("socket:[\($0.element.inode)]", $0.offset) }, uniquingKeysWith: { a, _ in a })
        var found = 0
        for pid in pids where Int(pid) != nil && found < listeners.count {
            guard let fds = try? FileManager.default.contentsOfDirectory(atPath: path("/proc/\(pid)/fd")) else { continue }
            for fd in fds {
                guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: path("/proc/\(pid)/fd/\(fd)")),
                    let index = wanted[target], listeners[index].pid == nil
                else { continue }
                listeners[index].pid = Int(pid)
                let comm = readWholeFile(path("/proc/\(pid)/comm"))
                listeners[index].command = comm.map { String(decoding: $0, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) }
                found += 1
            }
        }
        return listeners
    }

    static func decodeProcAddress(_ hex: String, v6: Bool) -> String {
        let bytes: [UInt8] = stride(from: 0, to: hex.count - 1, by: 2).compactMap {
            let i = hex.index(hex.startIndex, offsetBy: $0)
            return UInt8(hex[i..<hex.index(i, offsetBy: 2)], radix: 16)
        }
        if !v6, bytes.count == 4 { return "\(bytes[3]).\(bytes[2]).\(bytes[1]).\(bytes[0])" }
        guard bytes.count == 16 else { return hex }
        // Four little-endian 32-bit words.
        var ordered: [UInt8] = []
        for w in 0..<4 { ordered += bytes[(w * 4)..<(w * 4 + 4)].reversed() }
        if ordered.allSatisfy({ $0 == 0 }) { return "::" }
        if ordered.dropLast().allSatisfy({ $0 == 0 }), ordered.last == 1 { return "::1" }
        if ordered[0..<10].allSatisfy({ $0 == 0 }), ordered[10] == 0xff, ordered[11] == 0xff {
            return "::ffff:\(ordered[12]).\(ordered[13]).\(ordered[14]).\(ordered[15])"
        }
        var groups: [String] = []
        for g in 0..<8 { groups.append(String(UInt16(ordered[g * 2]) << 8 | UInt16(ordered[g * 2 + 1]), radix: 16)) }
        return ProbeNet.parseNumeric(groups.joined(separator: ":"))?.ipAddress ?? groups.joined(separator: ":")
    }
}
