import HTTPWire
import MockProviders

/// What `serve`, `proxy` and `record` say at start when they listen beyond loopback: the one place
/// that prints the real listen address and the network warning.
enum ListenExposure {
    /// For a listener beyond loopback (`0.0.0.0`, `::`, a LAN address): the real listen address,
    /// the addresses other hosts can use, and a warning that they can. Empty on loopback.
    static func notes(host: String, ports: [UInt16], what: String, hasControlEndpoint: Bool) -> [String] {
        guard !HostPolicy.isLoopbackListener(host) else { return [] }
        let isWildcard = HostPolicy.isWildcardListener(host)
        let shownHost = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        let portList = ports.map(String.init).joined(separator: ", ")
        var lines: [String] = []
        let scope = host == "0.0.0.0" ? " (every IPv4 interface)" : isWildcard ? " (every interface)" : ""
        lines.append("  listening on \(shownHost):\(portList)\(scope)")
        if isWildcard {
            let reachable = Syscalls.localInterfaceAddresses().filter { !$0.isLoopback && (host == "0.0.0.0" ? $0.family == .ipv4 : true) }
            if !reachable.isEmpty {
                lines.append("  reachable from other hosts as " + reachable.prefix(4).map { "http://\($0.urlHost):\(ports[0])" }.joined(separator: ", "))
            }
        }
        var warning = "warning: --host \(host) lets every host on the network reach \(what)."
        if hasControlEndpoint {
            warning += " Changes there need the control token (\(MockConfiguration.controlTokenHeader)) and a local or private Host name; health, faults and the journal (secrets masked) can be read by anyone who reaches the port."
        }
        lines.append(warning + " Use --host 127.0.0.1 to keep it on this machine.")
        return lines
    }
}
