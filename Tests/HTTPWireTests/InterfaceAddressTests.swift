import HTTPWire
import Testing

@Suite("Interface addresses and error names")
struct InterfaceAddressTests {
    @Test("getifaddrs lists the loopback address, once, without a port")
    func loopbackIsListed() {
        let addresses = Syscalls.localInterfaceAddresses()
        #expect(addresses.contains(.loopbackIPv4(port: 0)))
        #expect(Set(addresses).count == addresses.count)
        #expect(addresses.allSatisfy { $0.port == 0 && $0.scopeID == 0 })
    }

    @Test("errno values get their symbolic names")
    func errnoNames() {
        #expect(Syscalls.errnoName(Syscalls.connectionRefusedErrno) == "ECONNREFUSED")
        #expect(Syscalls.errnoName(Syscalls.timedOutErrno) == "ETIMEDOUT")
        #expect(Syscalls.errnoName(Syscalls.connectionResetErrno) == "ECONNRESET")
        #expect(Syscalls.errnoName(99_999) == "errno 99999")
    }

    @Test("a failed lookup says which getaddrinfo failure it was", .timeLimit(.minutes(1)))
    func resolutionFailureKind() async throws {
        // `.invalid` is reserved (RFC 2606): the resolver answers "no such name" (or, offline, "try again").
        do {
            _ = try await NameResolver.resolve(host: "no-such-host.invalid", port: 80)
            Issue.record("an .invalid name resolved")
        } catch let error as SocketError {
            #expect(error.code == .nameResolutionFailed)
            #expect(error.syscall == "getaddrinfo")
            #expect([.noSuchName, .temporary].contains(error.nameResolutionFailure))
        }
        let refused = SocketError(errno: Syscalls.connectionRefusedErrno, syscall: "connect")
        #expect(refused.nameResolutionFailure == nil)
    }
}
