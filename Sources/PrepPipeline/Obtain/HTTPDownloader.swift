import Foundation
import CCurlShim
import PrepCore

/// How downloads behave: retries, back-off, stall timeout, proxy.
public struct DownloadSettings: Sendable {
    /// Attempts per file after the first (a cut connection resumes where it stopped).
    public var retries = 4
    /// Seconds before the first retry; doubled after each failed attempt.
    public var backoff: Double = 2
    /// Seconds without a byte (or without an answer) after which an attempt is abandoned.
    public var stallTimeout: Double = 60
    /// `--proxy URL`; nil: the environment's, as curl reads it (`ProxySettings`).
    public var proxy: String?

    public init() {}
}

/// Downloads one URL into a `.part` file through libcurl, streaming to disk (never the
/// whole file in memory). A `.part` left by an earlier run is resumed with an HTTP Range
/// request; a server that ignores Range restarts it from zero. Connection errors, cuts, stalls
/// and 5xx answers are retried with back-off; 4xx answers stop at once.
public final class HTTPDownloader: @unchecked Sendable {
    public let settings: DownloadSettings
    private let progress: PrepCore.Progress?

    public init(settings: DownloadSettings, progress: PrepCore.Progress?) {
        self.settings = settings
        self.progress = progress
    }

    /// Fetches `url` into `part` (appending to what it holds). Returns the bytes received in
    /// this call, the offset the first attempt resumed from, and the attempts it took.
    @discardableResult
    public func download(_ url: URL, to part: URL) throws -> (received: Int64, resumedFrom: Int64, attempts: Int) {
        var attempt = 0
        var received: Int64 = 0
        let resumedFrom = Self.size(of: part)
        var delay = settings.backoff
        var announced: Int64 = 0   // what this file added to the progress total
        while true {
            let transfer = Transfer(url: url, part: part, progress: progress, announced: announced)
            let outcome = transfer.run(settings: settings)
            received += transfer.received
            announced = transfer.announced
            switch outcome {
            case .complete:
                return (received, resumedFrom, attempt + 1)
            case .fatal(let reason):
                throw PrepError.failed("\(url.absoluteString): \(reason)")
            case .retry(let reason):
                attempt += 1
                if attempt > settings.retries {
                    throw PrepError.failed("\(url.absoluteString): \(reason); gave up after \(attempt) attempts (the \(PrepCore.Progress.bytes(Int(Self.size(of: part)))) received are kept in \(part.lastPathComponent) and resumed next time)")
                }
                Thread.sleep(forTimeInterval: delay)
                delay *= 2
            }
        }
    }

    static func size(of url: URL) -> Int64 {
        ((try? FileManager.default.attributesOfItem(atPath: url.path))?[.size] as? NSNumber)?.int64Value ?? 0
    }
}

/// One HTTP attempt through libcurl (`CCurlShim`, loaded on first use): the response decides
/// whether the body is wanted, each piece of the body is appended to the `.part` file.
private final class Transfer {
    enum Outcome { case complete, retry(String), fatal(String) }

    let url: URL
    let part: URL
    let progress: PrepCore.Progress?
    private var handle: FileHandle?
    private var offset: Int64
    private var expectedEnd: Int64?
    private(set) var received: Int64 = 0
    private var outcome: Outcome?
    /// The file's size as added to the progress total so far (a resumed attempt adds only
    /// what the first did not know).
    private(set) var announced: Int64

    init(url: URL, part: URL, progress: PrepCore.Progress?, announced: Int64) {
        self.url = url
        self.part = part
        self.progress = progress
        self.announced = announced
        offset = HTTPDownloader.size(of: part)
    }

    func run(settings: DownloadSettings) -> Outcome {
        // One rule for the proxy (ProxySettings), whatever libcurl would read itself: "" is none.
        let proxy = ProxySettings.proxy(explicit: settings.proxy, for: url)?.absoluteString ?? ""
        var callbacks = prep_http_callbacks(
            context: Unmanaged.passUnretained(self).toOpaque(),
            response: { context, response in
                Unmanaged<Transfer>.fromOpaque(context!).takeUnretainedValue().respond(response!.pointee) ? 0 : 1
            },
            data: { context, bytes, count in
                Unmanaged<Transfer>.fromOpaque(context!).takeUnretainedValue()
                    .append(UnsafeRawBufferPointer(start: UnsafeRawPointer(bytes), count: count)) ? 0 : 1
            })
        var message = [CChar](repeating: 0, count: 512)
        let library = ProcessInfo.processInfo.environment["PREP_LIBCURL"]
        let code = prep_http_get(url.absoluteString, offset, "prep-obtain", proxy, settings.stallTimeout, library,
                                 &callbacks, &message, message.count)
        try? handle?.close()
        let reason = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        switch Int(code) {
        case Int(PREP_HTTP_NO_LIBCURL):
            return .fatal("downloading needs libcurl, which could not be loaded (\(reason)): install it "
                          + "(Debian/Ubuntu: apt-get install libcurl4), or download the files by hand and use --from DIR")
        case Int(PREP_HTTP_STALLED):
            return .retry("no data for \(Int(settings.stallTimeout)) s (the server stalled)")
        case Int(PREP_HTTP_FAILED):
            if outcome == nil { finish(.retry("connection failed (\(reason))")) }
        case Int(PREP_HTTP_DONE):
            if let end = expectedEnd, offset < end {
                finish(.retry("the connection closed after \(offset) of \(end) bytes"))
            } else {
                finish(.complete)
            }
        default:
            break   // PREP_HTTP_STOPPED: the callback that stopped it set the outcome
        }
        return outcome ?? .retry("the transfer ended without an answer")
    }

    private func finish(_ o: Outcome) {
        if outcome == nil { outcome = o }
    }

    /// The final response: whether its body is wanted.
    private func respond(_ response: prep_http_response) -> Bool {
        let status = response.status
        switch status {
        case 200, 206:
            if let type = response.content_type.map({ String(cString: $0) }), type.lowercased().hasPrefix("text/html"),
               !url.path.lowercased().hasSuffix(".html") {
                finish(.fatal("the server answered with an HTML page instead of the file (a login or registration page?): download it by hand and use --from DIR"))
                return false
            }
            var start: Int64 = 0
            if status == 206, let range = response.content_range.map({ String(cString: $0) }),
               let first = range.split(separator: " ").last?.split(separator: "-").first, let s = Int64(first) {
                start = s
            }
            if status == 200 || start != offset {
                // The server ignored the Range (or answered another one): start again from zero.
                offset = 0
                FileManager.default.createFile(atPath: part.path, contents: nil)
            }
            let length = response.content_length
            expectedEnd = length >= 0 ? offset + length : nil
            if let end = expectedEnd, end > announced {
                // Bytes already in the .part count as done, so the bar and ETA cover the rest.
                if announced == 0 && offset > 0 { progress?.advance(Int(offset)) }
                progress?.grow(total: Int(end - announced))
                announced = end
            }
            if !FileManager.default.fileExists(atPath: part.path) { FileManager.default.createFile(atPath: part.path, contents: nil) }
            guard let h = FileHandle(forWritingAtPath: part.path) else {
                finish(.fatal("cannot write \(part.path)")); return false
            }
            h.truncateFile(atOffset: UInt64(offset))
            handle = h
            return true
        case 416 where offset > 0:
            // Nothing left past the bytes we hold: the part is complete (the checksum decides).
            finish(.complete)
        case 404, 410:
            finish(.fatal("HTTP \(status): not found (the host may have moved the file: see prep zoo NAME for alternatives, or use --from DIR)"))
        case 401, 403:
            finish(.fatal("HTTP \(status): access denied (registration needed? download it by hand and use --from DIR)"))
        case 408, 429, 500...599:
            finish(.retry("HTTP \(status)"))
        default:
            finish(.fatal("HTTP \(status)"))
        }
        return false
    }

    /// Appends a piece of the body; false stops the transfer.
    private func append(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard outcome == nil, let handle else { return false }
        do {
            try handle.write(contentsOf: bytes)
        } catch {
            finish(.fatal("cannot write \(part.path): \(error.localizedDescription)"))
            return false
        }
        offset += Int64(bytes.count)
        received += Int64(bytes.count)
        progress?.advance(bytes.count)
        return true
    }
}
