import Foundation
import HTTPWire
/// The 57 failure modes of docs/failures.md, as data.
public enum FailureCatalog {
    /// Every mode, in docs/failures.md summary-table order.
    public static let all: [FailureMode] = reachability + protocolAndPaths + policyAndAuth + models + timingAndStreams
        + serverSide

    /// The mode with `id`; nil if unknown.
    public static func mode(_ id: String) -> FailureMode? { byID[id] }

    private static let byID: [String: FailureMode] = Dictionary(uniqueKeysWithValues: all.map { ($0.id, $0) })

    private static let ollamaBindFix = FailureMode.Fix(
        "Make the server listen on all interfaces: Ollama OLLAMA_HOST=0.0.0.0:11434 (for the service, then restart it); LM Studio: Developer → Settings → Serve on Local Network; llama-server / vLLM: --host 0.0.0.0. Only on trusted networks.",
        linux: "sudo systemctl edit ollama → add [Service] Environment=\"OLLAMA_HOST=0.0.0.0:11434\", then sudo systemctl daemon-reload && sudo systemctl restart ollama. LM Studio: Developer → Settings → Serve on Local Network. llama-server / vLLM: --host 0.0.0.0. Only on trusted networks.",
        macOS: "launchctl setenv OLLAMA_HOST 0.0.0.0:11434, then quit and reopen the Ollama app. LM Studio: Developer → Settings → Serve on Local Network. llama-server / vLLM: --host 0.0.0.0. Only on trusted networks.",
        windows: "Set a user environment variable OLLAMA_HOST=0.0.0.0:11434 (Settings → Edit environment variables for your account), then quit Ollama from the tray and start it again. LM Studio: Developer → Settings → Serve on Local Network. Only on trusted networks."
    )

    private static let startServerFix = FailureMode.Fix(
        "Start the server: `ollama serve` (or the Ollama app); LM Studio: Developer → Status: Running, or `lms server start`; then run diagnose again.",
        linux: "Start the server: `sudo systemctl start ollama` (or `ollama serve`); LM Studio: Developer → Status: Running, or `lms server start`; then run diagnose again.",
        macOS: "Start the server: open the Ollama app (or `ollama serve`); LM Studio: Developer → Status: Running, or `lms server start`; then run diagnose again.",
        windows: "Start the server: start Ollama from the Start menu (or `ollama serve`); LM Studio: Developer → Status: Running, or `lms server start`; then run diagnose again."
    )

    private static let reachability: [FailureMode] = [
        FailureMode(
            id: "server-not-running", title: "Nothing is listening on the port", layer: .network,
            explanation: "Every address refused the connection immediately: no process listens on that port. The server was never started, was stopped, or crashed.",
            fix: startServerFix,
            lookAlikes: ["wrong-port", "localhost-resolves-ipv6", "ipv6-only-listener", "bound-loopback-only", "docker-localhost-is-container", "firewall-drop-timeout"]
        ),
        FailureMode(
            id: "wrong-port", title: "The provider runs on a different port", layer: .network,
            explanation: "The configured port refuses connections, but a known provider answers on another local port.",
            fix: .init("Point the app at the port where the provider answers (shown above), or start the provider on the port the app expects."),
            lookAlikes: ["server-not-running"]
        ),
        FailureMode(
            id: "localhost-resolves-ipv6", title: "`localhost` resolves to ::1 but the server listens on 127.0.0.1", layer: .network,
            explanation: "`localhost` resolves to the IPv6 address ::1 first; the server only listens on IPv4 127.0.0.1. Clients that try ::1 first (Node ≥17, many Windows setups) get ECONNREFUSED ::1.",
            fix: .init("Use http://127.0.0.1:PORT instead of localhost in the app, or make the server listen on both families (OLLAMA_HOST=[::]:11434 or 0.0.0.0)."),
            lookAlikes: ["server-not-running", "ipv6-only-listener"]
        ),
        FailureMode(
            id: "ipv6-only-listener", title: "The server listens only on IPv6", layer: .network,
            explanation: "IPv4 127.0.0.1 refuses while IPv6 ::1 answers: the server socket is IPv6-only.",
            fix: .init("Point the app at http://[::1]:PORT, or restart the server bound to 127.0.0.1 or 0.0.0.0."),
            lookAlikes: ["server-not-running", "localhost-resolves-ipv6"]
        ),
        FailureMode(
            id: "bound-loopback-only", title: "The server accepts connections from this computer only", layer: .network,
            explanation: "The address the app uses belongs to this machine but refuses, while 127.0.0.1 answers on the same port: the server is bound to 127.0.0.1, so other devices, VMs and containers are refused.",
            fix: ollamaBindFix,
            lookAlikes: ["server-not-running", "firewall-drop-timeout", "docker-host-bound-loopback"]
        ),
        FailureMode(
            id: "wildcard-client-host", title: "The client connects to a bind wildcard (0.0.0.0 / ::)", layer: .config,
            explanation: "0.0.0.0 and :: mean 'listen everywhere' to a server; a client must connect to a real address. Windows refuses it, proxies intercept it, and OLLAMA_HOST is read by both servers and clients.",
            fix: .init("Use http://127.0.0.1:PORT on this machine (or the server's LAN address from elsewhere). If OLLAMA_HOST=0.0.0.0 is set for the server, don't let the app reuse it."),
            lookAlikes: ["url-malformed", "proxy-env-intercepts"]
        ),
        FailureMode(
            id: "url-malformed", title: "The base URL is malformed", layer: .config,
            explanation: "The URL lacks a scheme or port, has an extra slash, a typo'd address, or is not a URL at all; clients then reach the wrong place.",
            fix: .init("Use the normalized URL shown above in the app's base URL field."),
            lookAlikes: ["wrong-service-on-port", "base-url-doubled-path"]
        ),
        FailureMode(
            id: "docker-localhost-is-container", title: "Inside a container, localhost is the container", layer: .network,
            explanation: "This process runs in a container, so 127.0.0.1/localhost is the container itself, not the host where the provider runs.",
            fix: .init("Use http://host.docker.internal:PORT (Docker Desktop); on Linux add --add-host=host.docker.internal:host-gateway (compose: extra_hosts: [\"host.docker.internal:host-gateway\"]) and bind the host server to 0.0.0.0; or run both in one compose network and use the service name (http://ollama:11434)."),
            lookAlikes: ["server-not-running", "docker-host-bound-loopback"]
        ),
        FailureMode(
            id: "docker-host-gateway-missing", title: "host.docker.internal does not resolve in this container", layer: .dns,
            explanation: "Linux Docker Engine defines host.docker.internal only with --add-host …:host-gateway; rootless runtimes may not support it.",
            fix: .init("Add extra_hosts: [\"host.docker.internal:host-gateway\"] (Docker Engine ≥20.10) or use the host's bridge/LAN address."),
            lookAlikes: ["dns-failure"]
        ),
        FailureMode(
            id: "docker-host-bound-loopback", title: "Host service bound to 127.0.0.1, unreachable from containers", layer: .network,
            explanation: "host.docker.internal resolves to the bridge gateway, but the host service listens on 127.0.0.1 only (Linux); a timeout instead means the host firewall drops bridge traffic.",
            fix: .init("Bind the host server to 0.0.0.0 (OLLAMA_HOST=0.0.0.0:11434) and allow the docker bridge in the firewall (ufw allow in on docker0 to any port 11434)."),
            lookAlikes: ["bound-loopback-only", "firewall-drop-timeout"]
        ),
        FailureMode(
            id: "container-host-network-variants", title: "Container runtime networking differs from the host", layer: .network,
            explanation: "Docker Desktop runs containers in a VM (host networking is the VM's); podman/pasta maps the host as host.containers.internal but cannot reach host loopback.",
            fix: .init("Docker Desktop: use host.docker.internal. Podman: bind the server to 0.0.0.0 and use host.containers.internal."),
            lookAlikes: ["docker-localhost-is-container"],
            visibility: .notObservable(reason: "Needs the runtime's own configuration (Docker Desktop VM, podman network mode), which is not visible from inside the container; diagnose reports the container context and loopback advice instead.")
        ),
        FailureMode(
            id: "wsl2-nat-boundary", title: "WSL2 and Windows are separate hosts (NAT mode)", layer: .network,
            explanation: "In WSL2 NAT mode, 127.0.0.1 inside WSL is not Windows' loopback; Windows services are reachable only via the host IP and only if they listen on 0.0.0.0 and the firewall allows it.",
            fix: .init("Enable mirrored networking (networkingMode=mirrored in %UserProfile%\\.wslconfig, then `wsl --shutdown`), or make the Windows server listen on 0.0.0.0 and use http://<Windows host IP>:PORT, allowing the port in Windows Defender Firewall."),
            lookAlikes: ["server-not-running", "firewall-drop-timeout"]
        ),
        FailureMode(
            id: "firewall-drop-timeout", title: "Connection attempts time out (packets dropped)", layer: .network,
            explanation: "The connection neither succeeded nor was refused: SYNs are silently dropped, typically by a firewall (or the host is down). A refusal would mean a port/bind problem instead.",
            fix: .init(
                "Allow inbound TCP on the port on the server machine.",
                linux: "On the server: sudo ufw allow 11434/tcp, or sudo firewall-cmd --add-port=11434/tcp --permanent && sudo firewall-cmd --reload (use the provider's port).",
                macOS: "System Settings → Network → Firewall → Options: allow incoming connections for the server app.",
                windows: "Windows Defender Firewall → Advanced settings → Inbound Rules → New Rule → Port → TCP 11434 (the provider's port) → Allow."
            ),
            lookAlikes: ["server-not-running", "bound-loopback-only", "accepts-but-hangs"]
        ),
        FailureMode(
            id: "macos-local-network-privacy", title: "macOS Local Network privacy blocks the app", layer: .network,
            explanation: "macOS 15+ requires per-app permission for local-network (RFC 1918) destinations; without it connects fail with EHOSTUNREACH while Terminal works.",
            fix: .init("System Settings → Privacy & Security → Local Network → enable the app, then restart it."),
            lookAlikes: ["firewall-drop-timeout"]
        ),
        FailureMode(
            id: "proxy-env-intercepts", title: "Proxy environment variables capture local traffic", layer: .env,
            explanation: "HTTP(S)_PROXY/ALL_PROXY is set and NO_PROXY does not exclude the provider's host, so apps that honour the variables (Python requests/httpx, curl) send local requests to the proxy.",
            fix: .init(
                "Exclude local hosts: NO_PROXY=localhost,127.0.0.1,::1,host.docker.internal (set no_proxy too), or unset the proxy variables for the app.",
                windows: "setx NO_PROXY \"localhost,127.0.0.1,::1\" (and restart the app), or remove the proxy variables for the app."
            ),
            lookAlikes: ["wrong-service-on-port", "server-not-running"]
        ),
        FailureMode(
            id: "tls-scheme-mismatch", title: "https:// vs http:// mismatch", layer: .tls,
            explanation: "The URL's scheme does not match what the port speaks: a plain-HTTP server addressed with https://, or a TLS port addressed with http://.",
            fix: .init("Use the scheme the port speaks (shown above), e.g. http://127.0.0.1:11434 for Ollama/LM Studio/llama-server, which have no built-in TLS."),
            lookAlikes: ["wrong-service-on-port", "tls-untrusted-cert"]
        ),
        FailureMode(
            id: "tls-untrusted-cert", title: "TLS certificate not trusted", layer: .tls,
            explanation: "The certificate chain is not trusted by the client: a corporate TLS-inspecting proxy or a self-signed reverse proxy.",
            fix: .init("Point the app at your CA bundle (NODE_EXTRA_CA_CERTS, REQUESTS_CA_BUNDLE, SSL_CERT_FILE); don't disable verification."),
            lookAlikes: ["tls-scheme-mismatch"]
        ),
        FailureMode(
            id: "dns-failure", title: "The host name does not resolve", layer: .dns,
            explanation: "The resolver could not turn the host name into an address (no such name, or DNS unreachable).",
            fix: .init("Check the spelling, your network/VPN and DNS settings, or use the IP address."),
            lookAlikes: ["docker-host-gateway-missing", "url-malformed"]
        ),
    ]

    private static let protocolAndPaths: [FailureMode] = [
        FailureMode(
            id: "wrong-service-on-port", title: "Another service answers on the port", layer: .http,
            explanation: "Something answers on the port, but it is not the LLM API the app expects (a web page, another API, a UI's port).",
            fix: .init("Use the API's port (Ollama 11434, LM Studio 1234, llama-server 8080, vLLM 8000), or stop the program that owns this port."),
            lookAlikes: ["api-dialect-mismatch", "proxy-env-intercepts", "tls-scheme-mismatch"]
        ),
        FailureMode(
            id: "accepts-but-hangs", title: "The port accepts connections but never answers", layer: .http,
            explanation: "TCP connects at once, then no byte arrives for a request every provider answers instantly: a frozen server, or a port-forward/relay whose real server is gone.",
            fix: .init("Restart the server; if the port belongs to a relay (docker-proxy, wslrelay, ssh tunnel), check the container/WSL instance/tunnel behind it."),
            lookAlikes: ["firewall-drop-timeout", "cold-load-slow-first-request"]
        ),
        FailureMode(
            id: "base-url-missing-v1", title: "The base URL lacks /v1", layer: .path,
            explanation: "OpenAI-compatible clients append /models and /chat/completions to the base URL; for Ollama, LM Studio, llama.cpp, vLLM and OpenAI the base must end in /v1.",
            fix: .init("Set the base URL to the corrected value shown above (ending in /v1)."),
            lookAlikes: ["base-url-doubled-path", "api-dialect-mismatch", "server-too-old-for-endpoint"]
        ),
        FailureMode(
            id: "base-url-doubled-path", title: "The base URL contains an endpoint path", layer: .path,
            explanation: "The base URL already contains /v1 twice or an endpoint such as /chat/completions or /api/…; the client appends its own path on top.",
            fix: .init("Use only the base (shown above), without the endpoint suffix."),
            lookAlikes: ["base-url-missing-v1", "url-malformed"]
        ),
        FailureMode(
            id: "api-dialect-mismatch", title: "The app and the server speak different API families", layer: .path,
            explanation: "The app uses one API family (Ollama native /api/* or OpenAI-style /v1/*) but the server speaks only the other.",
            fix: .init("Choose the provider type that matches the server (shown above) with the base URL shown."),
            lookAlikes: ["base-url-missing-v1", "wrong-service-on-port"]
        ),
    ]

    private static let policyAndAuth: [FailureMode] = [
        FailureMode(
            id: "ollama-origin-403", title: "Ollama rejects the app's Origin", layer: .policy,
            explanation: "Ollama answers 403 with an empty body when a request carries an Origin outside its allow-list (browser extensions and most web pages).",
            fix: .init(
                "Allow the origin for the Ollama server, e.g. OLLAMA_ORIGINS=chrome-extension://*,moz-extension://* (set for the service/app, then restart Ollama).",
                linux: "sudo systemctl edit ollama → [Service] Environment=\"OLLAMA_ORIGINS=chrome-extension://*\", then sudo systemctl daemon-reload && sudo systemctl restart ollama.",
                macOS: "launchctl setenv OLLAMA_ORIGINS \"chrome-extension://*\", then quit and reopen the Ollama app.",
                windows: "Set a user environment variable OLLAMA_ORIGINS=chrome-extension://*, then quit Ollama from the tray and start it again."
            ),
            lookAlikes: ["host-header-403", "cors-preflight-blocked", "openai-invalid-key"]
        ),
        FailureMode(
            id: "host-header-403", title: "Ollama rejects the forwarded Host header", layer: .policy,
            explanation: "Ollama bound to loopback accepts only local Host values (DNS-rebinding guard); tunnels and reverse proxies forward the public host name and get 403.",
            fix: .init("Rewrite the Host header: ngrok http 11434 --host-header=\"localhost:11434\"; cloudflared … --http-host-header=\"localhost:11434\"; nginx proxy_set_header Host localhost:11434; — or bind Ollama to 0.0.0.0 behind your own auth."),
            lookAlikes: ["ollama-origin-403", "openai-invalid-key"]
        ),
        FailureMode(
            id: "cors-preflight-blocked", title: "The server does not allow browser requests from the origin", layer: .policy,
            explanation: "The CORS preflight (OPTIONS) lacks Access-Control-Allow-Origin/-Headers (or -Private-Network), so browsers block the request as 'Failed to fetch'. Native apps are unaffected.",
            fix: .init("LM Studio: Developer → Settings → Enable CORS. Ollama: set OLLAMA_ORIGINS. llama-server/vLLM: start with the allowed origins (vLLM --allowed-origins)."),
            lookAlikes: ["ollama-origin-403", "mixed-content"]
        ),
        FailureMode(
            id: "mixed-content", title: "An https page calls an http endpoint", layer: .policy,
            explanation: "Browsers block http:// requests from https:// pages unless the target is loopback.",
            fix: .init("Use http://127.0.0.1 (allowed), run the UI locally, or serve the API over https."),
            lookAlikes: ["cors-preflight-blocked"]
        ),
        FailureMode(
            id: "openai-invalid-key", title: "The API key is rejected", layer: .auth,
            explanation: "The server answered 401 invalid_api_key: the key is wrong, revoked, truncated, from another provider, or has stray whitespace/quotes.",
            fix: .init("Create a new key at https://platform.openai.com/api-keys and set OPENAI_API_KEY (or the app's key field); check which source wins (flag > env > config)."),
            lookAlikes: ["openai-insufficient-quota", "local-server-key-required", "ollama-origin-403"]
        ),
        FailureMode(
            id: "openai-insufficient-quota", title: "The account has no quota left", layer: .account,
            explanation: "429 insufficient_quota: billing, not rate. Retrying never helps.",
            fix: .init("Add credit or raise the budget at https://platform.openai.com/settings/organization/billing."),
            lookAlikes: ["openai-rate-limited", "openai-invalid-key"]
        ),
        FailureMode(
            id: "openai-rate-limited", title: "Rate limited", layer: .account,
            explanation: "429 rate_limit_exceeded: too many requests or tokens per minute for the tier; it passes after the reset time.",
            fix: .init("Retry after the time in Retry-After / x-ratelimit-reset-*; reduce parallelism, or request a higher tier."),
            lookAlikes: ["openai-insufficient-quota"]
        ),
        FailureMode(
            id: "openai-model-no-access", title: "The key cannot use the model", layer: .account,
            explanation: "The model id is not in the account's model list (typo, retired, or not enabled for the project).",
            fix: .init("Use one of the listed model ids (closest shown above)."),
            lookAlikes: ["served-model-name-mismatch", "ollama-model-not-pulled"]
        ),
        FailureMode(
            id: "region-blocked", title: "Requests from this region are refused", layer: .account,
            explanation: "403 unsupported_country_region_territory: the provider refuses requests from the network's egress location.",
            fix: .init("The egress location of your network decides; use a supported network/provider.")
        ),
        FailureMode(
            id: "local-server-key-required", title: "The local server requires an API key", layer: .auth,
            explanation: "The server was started with an API key (llama-server --api-key, vLLM --api-key / VLLM_API_KEY, LM Studio 'Require Authentication'); requests without the same key get 401.",
            fix: .init("Put the server's key in the app (Authorization: Bearer …; env OPENAI_API_KEY or LM_API_TOKEN), or restart the server without --api-key."),
            lookAlikes: ["openai-invalid-key"]
        ),
        FailureMode(
            id: "client-requires-dummy-key", title: "The client refuses to run without a key", layer: .client,
            explanation: "OpenAI SDKs and many UIs require a non-empty key even for local servers that ignore it.",
            fix: .init("Set any placeholder key for local servers, e.g. OPENAI_API_KEY=ollama (or lm-studio)."),
            lookAlikes: ["openai-invalid-key"]
        ),
        FailureMode(
            id: "base-url-env-ignored", title: "The base-URL variable is not the one the library reads", layer: .env,
            explanation: "OPENAI_API_BASE is the pre-1.0 name; openai ≥1.0 reads OPENAI_BASE_URL, so requests silently go to api.openai.com.",
            fix: .init("Set OPENAI_BASE_URL (keep OPENAI_API_BASE only for legacy libraries)."),
            lookAlikes: ["openai-invalid-key"]
        ),
    ]

    private static let models: [FailureMode] = [
        FailureMode(
            id: "ollama-model-not-pulled", title: "Ollama does not have the model", layer: .model,
            explanation: "The model name is not in /api/tags (after :latest and case normalization): not pulled, a tag mismatch, or a different instance.",
            fix: .init("Run `ollama pull <model>` or use one of the installed names (closest shown above)."),
            lookAlikes: ["multiple-ollama-instances", "served-model-name-mismatch", "openai-model-no-access"]
        ),
        FailureMode(
            id: "multiple-ollama-instances", title: "More than one Ollama server is running", layer: .model,
            explanation: "Two servers (service + user, native + Docker) answer on different addresses with different versions or model stores.",
            fix: .init("Stop one of them (systemctl stop ollama, or docker stop ollama) so the app and your CLI talk to the same server."),
            lookAlikes: ["ollama-model-not-pulled", "server-too-old-for-endpoint"]
        ),
        FailureMode(
            id: "served-model-name-mismatch", title: "The server calls the model by another name", layer: .model,
            explanation: "OpenAI-compatible servers serve a model under an exact id (vLLM: the --model path unless --served-model-name; LM Studio: publisher/model ids); other names get 404.",
            fix: .init("Use the exact id shown above, or restart vLLM with --served-model-name <name>."),
            lookAlikes: ["ollama-model-not-pulled", "openai-model-no-access"]
        ),
        FailureMode(
            id: "lmstudio-server-off-or-no-model", title: "LM Studio server off, or no model loaded", layer: .model,
            explanation: "LM Studio's API server is off (nothing listens on its port) or it runs but no model is loaded (and JIT loading is off).",
            fix: .init("Server off: Developer → Status: Running, or `lms server start`. No model: `lms load <model>`, load one in the Developer tab, or enable JIT loading."),
            lookAlikes: ["server-not-running", "served-model-name-mismatch"]
        ),
        FailureMode(
            id: "server-too-old-for-endpoint", title: "The server is too old for the endpoint", layer: .version,
            explanation: "The server version predates the endpoint or feature the app uses (Ollama /api/embed needs ≥0.3.4, /v1 ≥0.1.24, /api/chat ≥0.1.14).",
            fix: .init(
                "Update the server and restart the server process (not just the CLI).",
                linux: "curl -fsSL https://ollama.com/install.sh | sh, then sudo systemctl restart ollama.",
                macOS: "Update the Ollama app (menu bar → Restart to update) or `brew upgrade ollama`, then restart it.",
                windows: "Download the latest OllamaSetup.exe, install, then quit and restart Ollama from the tray."
            ),
            lookAlikes: ["base-url-missing-v1", "api-dialect-mismatch", "multiple-ollama-instances"]
        ),
        FailureMode(
            id: "model-lacks-capability", title: "The model lacks a capability the app needs", layer: .model,
            explanation: "The model (its template) does not support tools/vision/embeddings/thinking; requests using it fail with 400 'does not support …'.",
            fix: .init("Pick a model that lists the capability (`ollama show <model>`), or turn the feature off in the app."),
            lookAlikes: ["ollama-model-not-pulled"]
        ),
        FailureMode(
            id: "embeddings-field-mismatch", title: "Embeddings request uses the wrong field", layer: .model,
            explanation: "/api/embeddings expects `prompt`, /api/embed expects `input`; mixing them returns an empty vector with 200.",
            fix: .init("Use /api/embed with `input`, or /api/embeddings with `prompt`."),
            visibility: .notObservable(reason: "Depends on the request body the app sends; diagnose does not see the app's requests.")
        ),
        FailureMode(
            id: "model-too-large-oom", title: "The model does not fit in memory", layer: .resource,
            explanation: "The model plus its context needs more RAM/VRAM than is free.",
            fix: .init("Close other apps, choose a smaller/quantized model, or lower the context size.")
        ),
        FailureMode(
            id: "runner-crash", title: "The model runner crashed", layer: .resource,
            explanation: "The backend process died (unsupported CPU instructions, driver problem, OOM kill, corrupt model file).",
            fix: .init(
                "Read the server log for the cause and try a smaller model.",
                linux: "journalctl -u ollama --no-pager | tail -50",
                macOS: "tail -50 ~/.ollama/logs/server.log",
                windows: "Open %LOCALAPPDATA%\\Ollama\\server.log"
            )
        ),
    ]

    private static let timingAndStreams: [FailureMode] = [
        FailureMode(
            id: "cold-load-slow-first-request", title: "The first request waits for the model to load", layer: .timing,
            explanation: "Cheap endpoints answer at once but the first generation waits for the model to load; a second request is fast. Apps with short timeouts give up during the load.",
            fix: .init("Raise the app's timeout, preload the model (e.g. `ollama run <model> \"\"`), or keep it loaded longer (OLLAMA_KEEP_ALIVE=30m for the server)."),
            lookAlikes: ["client-timeout-cap", "accepts-but-hangs", "model-load-timeout"]
        ),
        FailureMode(
            id: "model-load-timeout", title: "The server gave up loading the model", layer: .timing,
            explanation: "The server's own load timeout (Ollama OLLAMA_LOAD_TIMEOUT, 5 min) expired.",
            fix: .init("Set OLLAMA_LOAD_TIMEOUT=30m for the server and restart it.")
        ),
        FailureMode(
            id: "client-timeout-cap", title: "The model needs longer than the client's timeout", layer: .timing,
            explanation: "The model is consistently slower than the timeout the app uses (--read-timeout here); it is not a cold load (a second request is just as slow). Non-streaming requests hit the cap before headers arrive.",
            fix: .init("Enable streaming in the app (headers arrive immediately) or raise its timeout above the measured time."),
            lookAlikes: ["cold-load-slow-first-request", "gateway-timeout-504"]
        ),
        FailureMode(
            id: "server-busy", title: "The server's queue is full", layer: .timing,
            explanation: "503 'server busy' / 'no slots available': more concurrent requests than the server accepts.",
            fix: .init("Lower the app's concurrency, or raise OLLAMA_NUM_PARALLEL / OLLAMA_MAX_QUEUE.")
        ),
        FailureMode(
            id: "context-length-exceeded", title: "The request exceeds the context window", layer: .model,
            explanation: "Prompt plus max tokens is longer than the server's context.",
            fix: .init("Start the server with a larger context (-c / --max-model-len / OLLAMA_CONTEXT_LENGTH) or send less."),
            visibility: .notObservable(reason: "Depends on the size of the app's own prompts; diagnose sends only a tiny request.")
        ),
        FailureMode(
            id: "ollama-silent-truncation", title: "Ollama silently truncates prompts", layer: .model,
            explanation: "Without num_ctx, Ollama cuts prompts to its default context and only logs a warning.",
            fix: .init("Set OLLAMA_CONTEXT_LENGTH for the server or pass options.num_ctx."),
            visibility: .notObservable(reason: "Silent by design and depends on the app's prompt length; only the server log shows it.")
        ),
        FailureMode(
            id: "proxy-buffering-stream", title: "Something buffers the stream", layer: .stream,
            explanation: "The streamed answer arrived in one burst at the end instead of token by token: a reverse proxy buffers it (nginx proxy_buffering, gzip on text/event-stream).",
            fix: .init("In nginx: proxy_buffering off; proxy_cache off; proxy_http_version 1.1; gzip off; for the API location (or send X-Accel-Buffering: no)."),
            lookAlikes: ["cold-load-slow-first-request"]
        ),
        FailureMode(
            id: "gateway-timeout-504", title: "A reverse proxy timed out", layer: .proxy,
            explanation: "A proxy (nginx default proxy_read_timeout 60 s) answered 504 because the upstream sent nothing in time.",
            fix: .init("Raise proxy_read_timeout (e.g. 600s) or use streaming.")
        ),
        FailureMode(
            id: "cloudflare-524", title: "Cloudflare timed out", layer: .proxy,
            explanation: "Cloudflare cuts responses that send nothing for ~100–125 s (HTTP 524).",
            fix: .init("Use streaming, keep models loaded, or bypass Cloudflare for the API host name.")
        ),
        FailureMode(
            id: "midstream-disconnect", title: "The stream ended before it finished", layer: .stream,
            explanation: "The connection closed before the end marker (done:true / [DONE]): the server crashed or a proxy cut the stream.",
            fix: .init("Check the server log for a crash right at that time, or raise the proxy's stream timeout."),
            lookAlikes: ["runner-crash", "keepalive-reuse-reset"]
        ),
        FailureMode(
            id: "keepalive-reuse-reset", title: "Reused idle connections are reset", layer: .stream,
            explanation: "The app reuses a keep-alive connection the server already closed (LM Studio Keep-Alive: timeout=5).",
            fix: .init("Retry idempotent requests on reset, or disable keep-alive for this host in the app."),
            visibility: .notObservable(reason: "Depends on the app's connection pool and idle times; diagnose opens a fresh connection per probe (it reports the server's Keep-Alive header as evidence).")
        ),
    ]

    private static let serverSide: [FailureMode] = [
        FailureMode(
            id: "env-not-applied-to-service", title: "Settings in your shell don't reach the service", layer: .server,
            explanation: "Variables set in .bashrc/.zshrc or the current shell are not seen by the systemd service, the macOS app (launchd) or the Windows tray app.",
            fix: .init(
                "Set the variable where the service reads it and restart the service.",
                linux: "sudo systemctl edit ollama → [Service] Environment=\"OLLAMA_HOST=…\", then sudo systemctl daemon-reload && sudo systemctl restart ollama.",
                macOS: "launchctl setenv OLLAMA_HOST …, then quit and reopen the Ollama app.",
                windows: "Set a user environment variable, then quit Ollama from the tray and start it again."
            ),
            visibility: .notObservable(reason: "Needs the service's own environment (systemd unit, launchd, Windows user env) and its log; diagnose reports what it observes (e.g. still bound to 127.0.0.1) instead.")
        ),
        FailureMode(
            id: "port-in-use-or-reserved", title: "The port is taken or reserved", layer: .server,
            explanation: "The server cannot bind its port: usually it is already running; otherwise another program or a Windows excluded port range owns it.",
            fix: .init(
                "If the port already answers as the provider, it is running — use it. Otherwise stop the other program or pick another port.",
                windows: "netsh interface ipv4 show excludedportrange protocol=tcp — if the port is in a range, pick another port."
            ),
            visibility: .notObservable(reason: "A server start-up error; diagnose does not start servers. A foreign program on the port is reported as wrong-service-on-port.")
        ),
    ]
}
