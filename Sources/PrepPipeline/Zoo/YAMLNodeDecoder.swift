import Foundation
import Yams

/// Decodes a `Decodable` value from a YAML document composed by Yams, with the scalar rules of
/// Yams' own `YAMLDecoder` (strings are any scalar's text; integers, floats and nulls through
/// Yams' `construct(from:)`; booleans are YAML 1.1's plain `yes`/`no`/`true`/`false`/`on`/`off`).
///
/// Why not `YAMLDecoder`: it asks `T.self as? ScalarConstructible.Type` for every value it decodes,
/// and each new type in that cast scans every protocol conformance in the process (tens of
/// thousands in `prep`), and its default resolver compiles a dozen `NSRegularExpression`s (ICU's
/// start-up) to tag scalars. Reading one dataset recipe took 36 M instructions that way, ~9 % of
/// converting 2,000 ICDAR images. This decoder calls the concrete `decode(String.self)` etc. that
/// synthesized `init(from:)` uses, and composes with `Resolver.basic` (no regular expressions);
/// `RecipeDecodingTests` checks it against `YAMLDecoder` on every recipe of the zoo.
struct YAMLNodeDecoder: Decoder {
    let node: Node
    let codingPath: [CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    /// Decodes `type` from YAML text (a document without content is a type mismatch at the root, as in Yams).
    static func decode<T: Decodable>(_ type: T.Type, from yaml: String) throws -> T {
        let composed: Node?
        do { composed = try Yams.compose(yaml: yaml, .basic) } catch {
            // As YAMLDecoder reports a document it cannot parse (a duplicate key, bad indentation).
            throw DecodingError.dataCorrupted(DecodingError.Context(
                codingPath: [], debugDescription: "The given data was not valid YAML.", underlyingError: error))
        }
        guard let root = composed else {
            throw DecodingError.typeMismatch(type, DecodingError.Context(codingPath: [], debugDescription: "The document is empty."))
        }
        return try T(from: YAMLNodeDecoder(node: root, codingPath: []))
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .mapping(let mapping) = node else { throw mismatch([String: Any].self) }
        return KeyedDecodingContainer(KeyedContainer<Key>(mapping: mapping, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> UnkeyedDecodingContainer {
        guard case .sequence(let sequence) = node else { throw mismatch([Any].self) }
        return UnkeyedContainer(items: Array(sequence), codingPath: codingPath)
    }

    func singleValueContainer() throws -> SingleValueDecodingContainer { self }

    func mismatch(_ expected: Any.Type) -> DecodingError {
        .typeMismatch(expected, DecodingError.Context(
            codingPath: codingPath, debugDescription: "Expected to decode \(expected) but found \(kind) instead."))
    }

    private var kind: String {
        switch node {
        case .scalar: return "Scalar"
        case .mapping: return "Mapping"
        case .sequence: return "Sequence"
        case .alias: return "Alias"
        }
    }

    /// The node's scalar made into a value by `make`, or a type mismatch.
    func scalar<T>(_ type: T.Type, _ make: (Node.Scalar) -> T?) throws -> T {
        guard case .scalar(let scalar) = node, let value = make(scalar) else { throw mismatch(type) }
        return value
    }

    /// YAML 1.1 booleans as Yams' default resolver tags them: plain scalars only, in these spellings.
    static func bool(_ scalar: Node.Scalar) -> Bool? {
        if let explicit = Bool.construct(from: scalar) { return explicit } // an explicit tag (`!!bool yes`)
        guard scalar.style == .plain || scalar.style == .any else { return nil }
        switch scalar.string {
        case "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON": return true
        case "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF": return false
        default: return nil
        }
    }

    /// One key of a mapping, by name or index.
    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int?
        init(stringValue: String) { self.stringValue = stringValue }
        init(intValue: Int) { self.stringValue = "Index \(intValue)"; self.intValue = intValue } // Yams' spelling
    }
}

extension YAMLNodeDecoder: SingleValueDecodingContainer {
    func decodeNil() -> Bool {
        if case .scalar(let scalar) = node { return NSNull.construct(from: scalar) != nil }
        return false
    }
    func decode(_ type: Bool.Type) throws -> Bool { try scalar(type, Self.bool) }
    func decode(_ type: String.Type) throws -> String { try scalar(type) { $0.string } }
    func decode(_ type: Double.Type) throws -> Double { try scalar(type, Double.construct) }
    func decode(_ type: Float.Type) throws -> Float { try scalar(type, Float.construct) }
    func decode(_ type: Int.Type) throws -> Int { try scalar(type, Int.construct) }
    func decode(_ type: Int8.Type) throws -> Int8 { try scalar(type, Int8.construct) }
    func decode(_ type: Int16.Type) throws -> Int16 { try scalar(type, Int16.construct) }
    func decode(_ type: Int32.Type) throws -> Int32 { try scalar(type, Int32.construct) }
    func decode(_ type: Int64.Type) throws -> Int64 { try scalar(type, Int64.construct) }
    func decode(_ type: UInt.Type) throws -> UInt { try scalar(type, UInt.construct) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try scalar(type, UInt8.construct) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try scalar(type, UInt16.construct) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try scalar(type, UInt32.construct) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try scalar(type, UInt64.construct) }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try T(from: self) }
}

extension YAMLNodeDecoder {
    /// A mapping's values by key; a repeated key takes its last value, as in Yams.
    struct KeyedContainer<K: CodingKey>: KeyedDecodingContainerProtocol {
        let mapping: Node.Mapping
        let codingPath: [CodingKey]
        /// The mapping's scalar keys, each with its last value: a recipe asks for each of its
        /// ~30 keys, present or not, and a scan of the pairs per question was most of decoding.
        private let values: [String: Node]

        init(mapping: Node.Mapping, codingPath: [CodingKey]) {
            self.mapping = mapping
            self.codingPath = codingPath
            var values: [String: Node] = [:]
            values.reserveCapacity(mapping.count)
            for (k, v) in mapping { if let s = k.scalar?.string { values[s] = v } }
            self.values = values
        }

        var allKeys: [K] { mapping.keys.compactMap { $0.scalar.flatMap { K(stringValue: $0.string) } } }

        private func value(_ key: K) -> Node? { values[key.stringValue] }

        func contains(_ key: K) -> Bool { value(key) != nil }

        private func decoder(_ key: K) throws -> YAMLNodeDecoder {
            guard let node = value(key) else {
                throw DecodingError.keyNotFound(key, DecodingError.Context(
                    codingPath: codingPath, debugDescription: "No value associated with key \(key.stringValue)."))
            }
            return YAMLNodeDecoder(node: node, codingPath: codingPath + [key])
        }

        func decodeNil(forKey key: K) throws -> Bool { try decoder(key).decodeNil() }
        func decode(_ type: Bool.Type, forKey key: K) throws -> Bool { try decoder(key).decode(type) }
        func decode(_ type: String.Type, forKey key: K) throws -> String { try decoder(key).decode(type) }
        func decode(_ type: Double.Type, forKey key: K) throws -> Double { try decoder(key).decode(type) }
        func decode(_ type: Float.Type, forKey key: K) throws -> Float { try decoder(key).decode(type) }
        func decode(_ type: Int.Type, forKey key: K) throws -> Int { try decoder(key).decode(type) }
        func decode(_ type: Int8.Type, forKey key: K) throws -> Int8 { try decoder(key).decode(type) }
        func decode(_ type: Int16.Type, forKey key: K) throws -> Int16 { try decoder(key).decode(type) }
        func decode(_ type: Int32.Type, forKey key: K) throws -> Int32 { try decoder(key).decode(type) }
        func decode(_ type: Int64.Type, forKey key: K) throws -> Int64 { try decoder(key).decode(type) }
        func decode(_ type: UInt.Type, forKey key: K) throws -> UInt { try decoder(key).decode(type) }
        func decode(_ type: UInt8.Type, forKey key: K) throws -> UInt8 { try decoder(key).decode(type) }
        func decode(_ type: UInt16.Type, forKey key: K) throws -> UInt16 { try decoder(key).decode(type) }
        func decode(_ type: UInt32.Type, forKey key: K) throws -> UInt32 { try decoder(key).decode(type) }
        func decode(_ type: UInt64.Type, forKey key: K) throws -> UInt64 { try decoder(key).decode(type) }
        func decode<T: Decodable>(_ type: T.Type, forKey key: K) throws -> T { try T(from: decoder(key)) }

        func nestedContainer<N: CodingKey>(keyedBy type: N.Type, forKey key: K) throws -> KeyedDecodingContainer<N> {
            try decoder(key).container(keyedBy: type)
        }
        func nestedUnkeyedContainer(forKey key: K) throws -> UnkeyedDecodingContainer { try decoder(key).unkeyedContainer() }
        func superDecoder() throws -> Decoder { try decoder(K(stringValue: "super")!) }
        func superDecoder(forKey key: K) throws -> Decoder { try decoder(key) }
    }

    /// A sequence's items in order.
    struct UnkeyedContainer: UnkeyedDecodingContainer {
        let items: [Node]
        let codingPath: [CodingKey]
        var currentIndex = 0

        init(items: [Node], codingPath: [CodingKey]) {
            self.items = items
            self.codingPath = codingPath
        }

        var count: Int? { items.count }
        var isAtEnd: Bool { currentIndex >= items.count }

        private mutating func next(_ type: Any.Type) throws -> YAMLNodeDecoder {
            let key = Key(intValue: currentIndex)
            guard !isAtEnd else {
                throw DecodingError.valueNotFound(type, DecodingError.Context(
                    codingPath: codingPath + [key], debugDescription: "Unkeyed container is at end."))
            }
            defer { currentIndex += 1 }
            return YAMLNodeDecoder(node: items[currentIndex], codingPath: codingPath + [key])
        }

        mutating func decodeNil() throws -> Bool {
            guard !isAtEnd else { _ = try next(Any?.self); return false }
            let isNil = YAMLNodeDecoder(node: items[currentIndex], codingPath: codingPath).decodeNil()
            if isNil { currentIndex += 1 }
            return isNil
        }
        mutating func decode(_ type: Bool.Type) throws -> Bool { try next(type).decode(type) }
        mutating func decode(_ type: String.Type) throws -> String { try next(type).decode(type) }
        mutating func decode(_ type: Double.Type) throws -> Double { try next(type).decode(type) }
        mutating func decode(_ type: Float.Type) throws -> Float { try next(type).decode(type) }
        mutating func decode(_ type: Int.Type) throws -> Int { try next(type).decode(type) }
        mutating func decode(_ type: Int8.Type) throws -> Int8 { try next(type).decode(type) }
        mutating func decode(_ type: Int16.Type) throws -> Int16 { try next(type).decode(type) }
        mutating func decode(_ type: Int32.Type) throws -> Int32 { try next(type).decode(type) }
        mutating func decode(_ type: Int64.Type) throws -> Int64 { try next(type).decode(type) }
        mutating func decode(_ type: UInt.Type) throws -> UInt { try next(type).decode(type) }
        mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try next(type).decode(type) }
        mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try next(type).decode(type) }
        mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try next(type).decode(type) }
        mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try next(type).decode(type) }
        mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try T(from: next(type)) }

        mutating func nestedContainer<N: CodingKey>(keyedBy type: N.Type) throws -> KeyedDecodingContainer<N> {
            try next([String: Any].self).container(keyedBy: type)
        }
        mutating func nestedUnkeyedContainer() throws -> UnkeyedDecodingContainer { try next([Any].self).unkeyedContainer() }
        mutating func superDecoder() throws -> Decoder { try next(Any.self) }
    }
}
