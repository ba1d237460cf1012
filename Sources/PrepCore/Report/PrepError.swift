import Foundation

/// Errors that stop a run (exit 1) or, raised while reading one sample, skip that sample.
public enum PrepError: Error, CustomStringConvertible, Equatable {
    /// Bad content in an input file, with the 1-based line where it is known.
    case input(file: String, line: Int?, reason: String)
    /// The dataset's layout is not what the recipe expects (missing folder, no files, …).
    case layout(String)
    /// A file could not be read or written.
    case io(path: String, reason: String)
    /// An image could not be probed or decoded.
    case image(path: String, reason: String)
    /// Options that do not fit together, found after argument parsing.
    case usage(String)
    /// Anything else that ends the run.
    case failed(String)

    public var description: String {
        switch self {
        case let .input(file, line, reason):
            if let line { return "\(file):\(line): \(reason)" }
            return "\(file): \(reason)"
        case let .layout(m): return m
        case let .io(path, reason): return "\(path): \(reason)"
        case let .image(path, reason): return "\(path): \(reason)"
        case let .usage(m): return m
        case let .failed(m): return m
        }
    }
}
