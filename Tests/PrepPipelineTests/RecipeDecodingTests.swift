import XCTest
import Yams
@testable import PrepPipeline

/// `YAMLNodeDecoder` (the recipe reader, issue 19's faster start) against Yams' own
/// `YAMLDecoder`, which read the recipes before: the same values for every recipe of the zoo, the
/// same scalar rules, and the same error kinds and paths.
final class RecipeDecodingTests: XCTestCase {
    func testEveryZooRecipeDecodesAsYAMLDecoderDid() throws {
        let recipes = EmbeddedZoo.files.filter { $0.key.hasSuffix("/dataset.yml") }
        XCTAssertGreaterThan(recipes.count, 30)
        for (path, text) in recipes.sorted(by: { $0.key < $1.key }) {
            let old = try YAMLDecoder().decode(Recipe.self, from: text)
            let new = try YAMLNodeDecoder.decode(Recipe.self, from: text)
            XCTAssertEqual(canonical(new), canonical(old), path)
            XCTAssertEqual(try Zoo.recipe(named: String(path.dropLast("/dataset.yml".count))).map(canonical), canonical(old), path)
        }
    }

    struct Scalars: Decodable, Equatable {
        var s: String?
        var b: Bool?
        var i: Int?
        var i64: Int64?
        var d: Double?
        var list: [String]?
        var map: [String: String]?
        var nested: [Nested]?
        struct Nested: Decodable, Equatable { var x: Int; var y: String? }
    }

    /// Each document alone: both decoders give the same value, or both fail with the same kind of
    /// error at the same path.
    func testScalarRulesMatchYAMLDecoder() {
        let docs = [
            "s: yes\nb: yes\n", "b: Yes\n", "b: 'yes'\n", "b: \"true\"\n", "b: ON\n", "b: off\n", "b: yEs\n", "b: 1\n",
            "s: 0x1F\ni: 0x1F\n", "i: 0o17\n", "i: 017\n", "i: 1_000\n", "i: -12\n", "i: '12'\n", "i: 1.5\n", "i: 1:30\n",
            "i64: 9223372036854775807\n", "i: 9223372036854775808\n",
            "d: 1e3\n", "d: .inf\n", "d: -.INF\n", "d: 1_000.5\n", "d: 3\n", "d: '3'\n", "d: abc\n",
            "s: ~\n", "s: null\n", "s: 'null'\n", "s:\n", "s: ''\n", "s: [a]\n", "s: {a: b}\n", "s: |\n  two\n  lines\n",
            "list: [a, 1, yes, null]\n", "list: a\n", "list: []\n", "map: {a: 1, b: yes}\n", "map: {a: [1]}\n",
            "nested: [{x: 1}, {x: 2, y: z}]\n", "nested: [{y: z}]\n", "nested: [{x: no}]\n",
            "s: a\ns: b\n", "", "# only a comment\n", "[1, 2]\n", "just text\n", "s: &a x\nlist: [*a]\n",
        ]
        for doc in docs {
            let old = Result { try YAMLDecoder().decode(Scalars.self, from: doc) }
            let new = Result { try YAMLNodeDecoder.decode(Scalars.self, from: doc) }
            switch (old, new) {
            case let (.success(a), .success(b)):
                if a.d?.isNaN == true { XCTAssertTrue(b.d?.isNaN == true, doc) } else { XCTAssertEqual(a, b, doc) }
            case let (.failure(a), .failure(b)):
                XCTAssertEqual(summary(a), summary(b), doc)
            default:
                XCTFail("\(doc.debugDescription): YAMLDecoder \(old), YAMLNodeDecoder \(new)")
            }
        }
    }

    func testErrorsNameThePath() {
        XCTAssertThrowsError(try Recipe.parse(yaml: "name: a\ntitle: t\n", source: "x.yml")) {
            XCTAssertTrue("\($0)".hasPrefix("x.yml: missing key '"), "\($0)")
        }
        let wrong = "name: a\ntitle: t\ntasks: [det]\nsplits: [test]\nconverter: c\noutputs: {}\nlayout: {images: [1], annotation: a, file_name: f}\n"
        XCTAssertThrowsError(try Recipe.parse(yaml: wrong, source: "x.yml")) {
            XCTAssertEqual("\($0)", "x.yml: wrong type at 'layout.images'")
        }
    }

    /// An error's kind and coding path.
    private func summary(_ error: Error) -> String {
        switch error as? DecodingError {
        case let .typeMismatch(_, c)?: return "typeMismatch " + path(c)
        case let .keyNotFound(k, c)?: return "keyNotFound \(k.stringValue) " + path(c)
        case let .valueNotFound(_, c)?: return "valueNotFound " + path(c)
        case let .dataCorrupted(c)?: return "dataCorrupted " + path(c)
        default: return "other"
        }
    }

    private func path(_ c: DecodingError.Context) -> String { c.codingPath.map(\.stringValue).joined(separator: ".") }
}

/// A value's contents as text, dictionaries sorted by key (their order is not part of a value).
func canonical(_ value: Any) -> String {
    let mirror = Mirror(reflecting: value)
    switch mirror.displayStyle {
    case .optional: return mirror.children.first.map { canonical($0.value) } ?? "nil"
    case .dictionary:
        return "[" + mirror.children.map { canonical($0.value) }.sorted().joined(separator: ", ") + "]"
    case .collection, .set:
        return "[" + mirror.children.map { canonical($0.value) }.joined(separator: ", ") + "]"
    case .struct, .class, .tuple, .enum where !mirror.children.isEmpty:
        return "\(mirror.subjectType)(" + mirror.children.map { "\($0.label ?? ""): \(canonical($0.value))" }.joined(separator: ", ") + ")"
    default: return "\(mirror.subjectType) \(value)"
    }
}
