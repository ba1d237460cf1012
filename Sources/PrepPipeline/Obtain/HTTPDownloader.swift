import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import PrepCore

/// How downloads behave: retries, back-off, stall timeout, proxy.
public struct DownloadSettings: Sendable {
    /// Attempts per file after the first (a cut connection resumes where it stopped).
    public var retries = 4
    /// Seconds before the first retry; doubled after each failed attempt.
    public var backoff: Double = 2
    /// Seconds without a byte (or without an answer) after which an attempt is abandoned.
    public var stallTimeout: Double = 60
    /// `--proxy URL`; nil: the environment's, as curl reads it.
    public var proxy: String?

    public init() {}
}

/// Downloads one URL into a `.part` file through URLSession, streaming to disk (never the
/// whole file in memory). A `.part` left by an earlier run is resumed with an HTTP Range
/// request; a server that ignores Range restarts it from zero. Connection errors, cuts, stalls
/// and 5xx answers are retried with back-off; 4xx answers stop at once.
public final class HTTPDownloader: @unchecked Sendable {
    public let settings: DownloadSettings
    private let progress: PrepCore.Progress?

    public init(settings: DownloadSettings, progress: PrepCore.Progress?) {
        self.settings = settings
        self.progress = progress
        ProxySettings.applyForLibcurl(settings.proxy)
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

/// One HTTP attempt: a data task whose delegate appends each piece to the `.part` file.
private final class Transfer: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    enum Outcome { case complete, retry(String), fatal(String) }

    let url: URL
    let part: URL
    let progress: PrepCore.Progress?
    private let lock = NSLock()
    private let done = DispatchSemaphore(value: 0)
    private var handle: FileHandle?
    private var offset: Int64
    private var expectedEnd: Int64?
    private(set) var received: Int64 = 0
    private var lastActivity = Date()
    private var outcome: Outcome?
    private var stalled = false
    private var alreadyComplete = false
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
        let config = URLSessionConfiguration.ephemeral
        // The stall watchdog below bounds each attempt; URLSession's own timers must not cut a
        // long, healthy download.
        config.timeoutIntervalForRequest = 7 * 24 * 3600
        config.timeoutIntervalForResource = 7 * 24 * 3600
        config.requestCachePolicy = .reloadIgnoringLocalCacheData
        config.urlCache = nil
        if let proxy = ProxySettings.dictionary(explicit: settings.proxy, for: url) {
            config.connectionProxyDictionary = proxy
        }
        let queue = OperationQueue()
        queue.maxConcurrentOperationCount = 1
        let session = URLSession(configuration: config, delegate: self, delegateQueue: queue)
        var request = URLRequest(url: url)
        // Archives are fetched as stored: a server gzip-encoding a .tar.gz would change the bytes.
        request.setValue("identity", forHTTPHeaderField: "Accept-Encoding")
        request.setValue("prep-obtain", forHTTPHeaderField: "User-Agent")
        if offset > 0 { request.setValue("bytes=\(offset)-", forHTTPHeaderField: "Range") }
        let task = session.dataTask(with: request)
        task.resume()
        while done.wait(timeout: .now() + 0.2) == .timedOut {
            lock.lock()
            let idle = Date().timeIntervalSince(lastActivity)
            lock.unlock()
            if idle > settings.stallTimeout {
                lock.lock(); stalled = true; lock.unlock()
                task.cancel()
                // The cancellation completes the task; never wait on it unbounded.
                _ = done.wait(timeout: .now() + 10)
                break
            }
        }
        session.invalidateAndCancel()
        lock.lock(); defer { lock.unlock() }
        try? handle?.close()
        if stalled { return .retry("no data for \(Int(settings.stallTimeout)) s (the server stalled)") }
        return outcome ?? .retry("the transfer ended without an answer")
    }

    private func finish(_ o: Outcome) {
        if outcome == nil { outcome = o }
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping (URLSession.ResponseDisposition) -> Void) {
        lock.lock(); defer { lock.unlock() }
        lastActivity = Date()
        guard let http = response as? HTTPURLResponse else { finish(.fatal("not an HTTP answer")); completionHandler(.cancel); return }
        let status = http.statusCode
        switch status {
        case 200, 206:
            if let type = http.value(forHTTPHeaderField: "Content-Type"), type.lowercased().hasPrefix("text/html"),
               !url.path.lowercased().hasSuffix(".html") {
                finish(.fatal("the server answered with an HTML page instead of the file (a login or registration page?): download it by hand and use --from DIR"))
                completionHandler(.cancel); return
            }
            var start: Int64 = 0
            if status == 206, let range = http.value(forHTTPHeaderField: "Content-Range"),
               let first = range.split(separator: " ").last?.split(separator: "-").first, let s = Int64(first) {
                start = s
            }
            if status == 200 || start != offset {
                // The server ignored the Range (or answered another one): start again from zero.
                offset = 0
                FileManager.default.createFile(atPath: part.path, contents: nil)
            }
            let length = http.expectedContentLength
            expectedEnd = length >= 0 ? offset + length : nil
            if let end = expectedEnd, end > announced {
                // Bytes already in the .part count as done, so the bar and ETA cover the rest.
                if announced == 0 && offset > 0 { progress?.advance(Int(offset)) }
                progress?.grow(total: Int(end - announced))
                announced = end
            }
            if !FileManager.default.fileExists(atPath: part.path) { FileManager.default.createFile(atPath: part.path, contents: nil) }
            guard let h = FileHandle(forWritingAtPath: part.path) else {
                finish(.fatal("cannot write \(part.path)")); completionHandler(.cancel); return
            }
            h.truncateFile(atOffset: UInt64(offset))
            handle = h
            completionHandler(.allow)
        case 416 where offset > 0:
            // Nothing left past the bytes we hold: the part is complete (the checksum decides).
            alreadyComplete = true
            finish(.complete)
            completionHandler(.cancel)
        case 404, 410:
            finish(.fatal("HTTP \(status): not found (the host may have moved the file: see prep zoo NAME for alternatives, or use --from DIR)"))
            completionHandler(.cancel)
        case 401, 403:
            finish(.fatal("HTTP \(status): access denied (registration needed? download it by hand and use --from DIR)"))
            completionHandler(.cancel)
        case 408, 429, 500...599:
            finish(.retry("HTTP \(status)"))
            completionHandler(.cancel)
        default:
            finish(.fatal("HTTP \(status)"))
            completionHandler(.cancel)
        }
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        lock.lock(); defer { lock.unlock() }
        lastActivity = Date()
        guard outcome == nil, let handle else { return }
        do {
            try handle.write(contentsOf: data)
        } catch {
            finish(.fatal("cannot write \(part.path): \(error.localizedDescription)"))
            dataTask.cancel()
            return
        }
        offset += Int64(data.count)
        received += Int64(data.count)
        progress?.advance(data.count)
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
        lock.lock()
        if outcome == nil {
            if let error {
                finish(.retry("connection failed (\(error.localizedDescription))"))
            } else if let end = expectedEnd, offset < end {
                finish(.retry("the connection closed after \(offset) of \(end) bytes"))
            } else {
                finish(.complete)
            }
        }
        lock.unlock()
        done.signal()
    }
}
