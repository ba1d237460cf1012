import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The proxy downloads go through, as curl chooses it: `--proxy URL`, else `https_proxy` /
/// `HTTPS_PROXY` (https URLs) or `http_proxy` (http URLs; upper case ignored, as curl does),
/// except hosts `no_proxy` / `NO_PROXY` lists (`*`, exact names, domain suffixes).
enum ProxySettings {
    /// On Linux, URLSession runs on libcurl, which ignores `connectionProxyDictionary` but reads
    /// these same environment variables itself: an explicit `--proxy` is handed to it that way.
    static func applyForLibcurl(_ explicit: String?) {
        #if os(Linux)
        guard let explicit, !explicit.isEmpty else { return }
        setenv("http_proxy", explicit, 1)
        setenv("https_proxy", explicit, 1)
        setenv("HTTPS_PROXY", explicit, 1)
        #endif
    }

    /// The proxy URL for `url`, or nil for a direct connection.
    static func proxy(explicit: String?, for url: URL, environment: [String: String] = ProcessInfo.processInfo.environment) -> URL? {
        let host = (url.host ?? "").lowercased()
        let noProxy = environment["no_proxy"] ?? environment["NO_PROXY"] ?? ""
        for entry in noProxy.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) where !entry.isEmpty {
            if entry == "*" { return nil }
            let bare = entry.hasPrefix(".") ? String(entry.dropFirst()) : entry
            if host == bare || host.hasSuffix("." + bare) { return nil }
        }
        let value = explicit ?? (url.scheme == "https" ? environment["https_proxy"] ?? environment["HTTPS_PROXY"] : environment["http_proxy"])
        guard let value, !value.isEmpty else { return nil }
        return URL(string: value.contains("://") ? value : "http://" + value)
    }

    /// `connectionProxyDictionary` for URLSession on Darwin (on Linux, see `applyForLibcurl`).
    static func dictionary(explicit: String?, for url: URL) -> [AnyHashable: Any]? {
        guard let proxy = proxy(explicit: explicit, for: url), let host = proxy.host else { return nil }
        let port = proxy.port ?? 8080
        return ["HTTPEnable": 1, "HTTPProxy": host, "HTTPPort": port,
                "HTTPSEnable": 1, "HTTPSProxy": host, "HTTPSPort": port]
    }
}
