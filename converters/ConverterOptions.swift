import PrepCore

/// A converter's settings, from its dataset-zoo recipe (`options:`), as plain strings.
public struct ConverterOptions: Sendable, Equatable {
    public var values: [String: String]

    public init(_ values: [String: String] = [:]) { self.values = values }

    public func string(_ key: String, default value: String) -> String { values[key] ?? value }

    public func bool(_ key: String, default value: Bool) -> Bool {
        guard let v = values[key]?.lowercased() else { return value }
        return v == "true" || v == "yes" || v == "1"
    }

    /// A comma-separated list.
    public func list(_ key: String, default value: [String]) -> [String] {
        guard let v = values[key] else { return value }
        return v.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
    }

    /// One of an enum's raw values; anything else is a usage error naming the converter, the
    /// key and the accepted values.
    public func choice<E: RawRepresentable & CaseIterable>(_ key: String, default value: E, converter: String) throws -> E
    where E.RawValue == String {
        let raw = values[key] ?? value.rawValue
        guard let e = E(rawValue: raw) else {
            throw PrepError.usage("\(converter): unknown \(key) '\(raw)' (\(E.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        return e
    }
}
