import Foundation

/// The proxy downloads go through, as curl chooses it: `--proxy URL`, else `https_proxy` /
/// `HTTPS_PROXY` (https URLs) or `http_proxy` (http URLs; upper case ignored, as curl does),
/// else `all_proxy` / `ALL_PROXY`, except hosts `no_proxy` / `NO_PROXY` lists (`*`, exact names,
/// domain suffixes). libcurl is handed the result (none as ""), so this is the one rule.
enum ProxySettings {
    /// The proxy URL for `url`, or nil for a direct connection.
    static func proxy(explicit: String?, for url: URL, environment: [String: String] = ProcessInfo.processInfo.environment) -> URL? {
        let host = (url.host ?? "").lowercased()
        let noProxy = environment["no_proxy"] ?? environment["NO_PROXY"] ?? ""
        for entry in noProxy.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) where !entry.isEmpty {
            if entry == "*" { return nil }
            let bare = entry.hasPrefix(".") ? String(entry.dropFirst()) : entry
            if host == bare || host.hasSuffix("." + bare) { return nil }
        }
        let scheme = url.scheme == "https" ? environment["https_proxy"] ?? environment["HTTPS_PROXY"] : environment["http_proxy"]
        let value = explicit ?? nonEmpty(scheme) ?? nonEmpty(environment["all_proxy"] ?? environment["ALL_PROXY"])
        guard let value, !value.isEmpty else { return nil }
        return URL(string: value.contains("://") ? value : "http://" + value)
    }

    private static func nonEmpty(_ s: String?) -> String? {
        s.flatMap { $0.isEmpty ? nil : $0 }
    }
}
