import Foundation
import PrepCore

/// The outputs of `prep validate`: the one-screen summary, the JSON report, and GitHub
/// Actions workflow annotations.
public struct ValidationReport {
    public let validator: Validator
    public let seconds: Double
    public let strict: Bool

    public init(validator: Validator, seconds: Double, strict: Bool) {
        self.validator = validator
        self.seconds = seconds
        self.strict = strict
    }

    /// Whether the run fails: errors, or warnings under `--strict`.
    public var failed: Bool { validator.errorCount > 0 || (strict && validator.warningCount > 0) }

    /// The JSON report (schema in the README, "prep validate").
    public func json() -> JSONValue {
        let v = validator
        let byType: [(String, JSONValue)] = AnomalyKind.allCases.compactMap { k in
            v.counts[k].map { (k.rawValue, .object([("severity", .string(k.severity.rawValue)), ("count", .int($0))])) }
        }
        let chars = v.characters.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key.value < $1.key.value }
        return .object([
            ("command", .string("validate")),
            ("version", .int(1)),
            ("summary", .object([
                ("errors", .int(v.errorCount)), ("warnings", .int(v.warningCount)),
                ("strict", .bool(strict)), ("passed", .bool(!failed)),
                ("by_type", .object(byType)),
                ("seconds", .double((seconds * 1000).rounded() / 1000)),
            ])),
            ("statistics", .object([
                ("splits", .array(v.splits.map { $0.json() })),
                ("characters", .array(chars.prefix(10_000).map { .array([.string(String($0.key)), .int($0.value)]) })),
            ])),
            ("anomalies", .array(v.anomalies.map { $0.json() })),
            ("anomalies_listed_per_type", .int(v.options.keepPerKind)),
        ])
    }

    public func write(to url: URL) throws {
        try OutputGuard.shared.check(url)
        var out = PyJSON(ensureASCII: false).encode(json())
        out.append(0x0A)
        do { try Data(out).write(to: url, options: .atomic) } catch { throw PrepError.io(path: url.path, reason: "cannot write the report") }
    }

    /// The readable summary: per split, then the first anomalies, then counts by type.
    public func summary(maxListed: Int = 20) -> String {
        let v = validator
        var lines: [String] = []
        let verdict = failed ? "FAILED" : "passed"
        lines.append("prep validate: \(verdict) — \(v.errorCount) error(s), \(v.warningCount) warning(s) in \(String(format: "%.2f", seconds)) s\(strict ? " (--strict)" : "")")
        for s in v.splits {
            var what: [String] = []
            if s.images > 0 || s.instances > 0 {
                what.append("\(s.images) images, \(s.instances) instances (\(s.ignored) ignored, \(String(format: "%.1f", s.ignoredFraction * 100))%)")
            }
            if s.labels > 0 { what.append("\(s.labels) labels") }
            if what.isEmpty { what.append("no records") }
            lines.append("  \(s.split): " + what.joined(separator: ", ") + " — " + s.inputs.map { "\($0.path) [\($0.format)]" }.joined(separator: ", "))
        }
        if !v.anomalies.isEmpty {
            lines.append("anomalies\(v.anomalies.count > maxListed ? " (first \(maxListed); all in --report)" : ""):")
            for a in v.anomalies.prefix(maxListed) {
                lines.append("  \(a.severity.rawValue.padding(toLength: 7, withPad: " ", startingAt: 0)) \(a.kind.rawValue)  \(a.position.location)  \(a.position.item): \(a.message)")
            }
            lines.append("by type:")
            for k in AnomalyKind.allCases { if let n = v.counts[k] { lines.append("  \(k.rawValue.padding(toLength: 28, withPad: " ", startingAt: 0)) \(n) \(k.severity.rawValue)\(n == 1 ? "" : "s")") } }
        }
        return lines.joined(separator: "\n")
    }

    /// GitHub Actions workflow commands, one per listed anomaly (`::error file=…,line=…`).
    public func githubAnnotations() -> String {
        func esc(_ s: String, property: Bool) -> String {
            var r = s.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D").replacingOccurrences(of: "\n", with: "%0A")
            if property { r = r.replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C") }
            return r
        }
        return validator.anomalies.map { a in
            var props = ["file=\(esc(a.position.file, property: true))"]
            if let l = a.position.line { props.append("line=\(l)") }
            props.append("title=\(esc("prep \(a.kind.rawValue)", property: true))")
            return "::\(a.severity.rawValue) \(props.joined(separator: ",")):: \(esc("\(a.position.item): \(a.message)", property: false))"
        }.joined(separator: "\n")
    }
}
