import Foundation
import HTTPWire
/// One entry of the failure-mode catalog (docs/failures.md): why an app cannot talk to its provider.
///
/// The catalog is data: ids are stable (they appear in `--json` output and in docs/diagnose.md),
/// explanations and fixes are plain text, fixes differ per platform where the platform matters.
public struct FailureMode: Sendable, Hashable, Identifiable {
    /// Layer of the stack the failure lives in, for grouping in docs.
    public enum Layer: String, Sendable, Hashable, CaseIterable {
        case config, env, dns, network, tls, http, path, policy, auth, account, model, version, resource, timing, stream,
            proxy, client, server
    }

    /// Whether `diagnose` can observe this mode from the machine it runs on.
    public enum Visibility: Sendable, Hashable {
        /// Detected by a probe; the failure-mode id appears in findings.
        case detected
        /// Cannot be seen from here; the reason is documented.
        case notObservable(reason: String)
    }

    /// Fix text; platform entries override ``general`` where the platform matters.
    public struct Fix: Sendable, Hashable {
        public var general: String
        public var linux: String?
        public var macOS: String?
        public var windows: String?

        public init(_ general: String, linux: String? = nil, macOS: String? = nil, windows: String? = nil) {
            self.general = general
            self.linux = linux
            self.macOS = macOS
            self.windows = windows
        }

        /// The text for `platform`, falling back to the general advice.
        public func text(for platform: Platform) -> String {
            switch platform {
            case .linux: linux ?? general
            case .macOS: macOS ?? general
            case .windows: windows ?? general
            }
        }
    }

    /// Stable id from docs/failures.md, e.g. `server-not-running`.
    public var id: String
    public var title: String
    public var layer: Layer
    /// What is going on, in one or two sentences.
    public var explanation: String
    public var fix: Fix
    /// Ids of modes with similar symptoms that `diagnose` tells apart from this one.
    public var lookAlikes: [String]
    public var visibility: Visibility

    public init(
        id: String, title: String, layer: Layer, explanation: String, fix: Fix, lookAlikes: [String] = [],
        visibility: Visibility = .detected
    ) {
        self.id = id
        self.title = title
        self.layer = layer
        self.explanation = explanation
        self.fix = fix
        self.lookAlikes = lookAlikes
        self.visibility = visibility
    }
}

/// The operating system whose fix text applies.
public enum Platform: String, Sendable, Hashable, CaseIterable {
    case linux, macOS = "macos", windows

    /// The platform this binary was built for.
    public static var current: Platform {
        #if os(macOS)
        .macOS
        #elseif os(Windows)
        .windows
        #else
        .linux
        #endif
    }
}
