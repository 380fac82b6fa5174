// Test helpers shared by every test target: raw sockets (RawTestConnection), raw response
// parsing (RawHTTPResponse), TemporaryDirectory, withTimeout and process resource counts.
