import Foundation
import CLazyLibs

/// An XML element (and its subtree) read through libxml2: name, attributes in document order, its own text (the
/// concatenated text and CDATA children, as ElementTree's `.text` plus tails, which no reference
/// converter relies on apart from leaf elements), children and source line. Built once per
/// annotation file; the files are small (one image each, or an SVT-sized list).
public final class XMLTree: @unchecked Sendable {
    public let name: String
    public let attributes: [(String, String)]
    public let text: String
    public let children: [XMLTree]
    public let line: Int

    init(name: String, attributes: [(String, String)], text: String, children: [XMLTree], line: Int) {
        self.name = name
        self.attributes = attributes
        self.text = text
        self.children = children
        self.line = line
    }

    public func attribute(_ key: String) -> String? { attributes.first(where: { $0.0 == key })?.1 }

    /// The first direct child named `name` (ElementTree's `find`).
    public func child(_ name: String) -> XMLTree? { children.first(where: { $0.name == name }) }

    /// This element and every descendant named `name`, in document order (ElementTree's `iter`).
    public func all(_ name: String) -> [XMLTree] {
        var out: [XMLTree] = []
        func walk(_ e: XMLTree) {
            if e.name == name { out.append(e) }
            e.children.forEach(walk)
        }
        walk(self)
        return out
    }

    /// Parses a file; malformed XML throws `PrepError.input` with the line libxml2 reports.
    /// Network access and external entities are off (XML_PARSE_NONET, no DTD loading).
    public static func parse(file url: URL) throws -> XMLTree {
        return try parse(data: try FileBytes.readInput(url), path: url.path)
    }

    /// Parses a document held in memory (a zip member); errors name `path`.
    public static func parse<Bytes: ContiguousBytes>(data: Bytes, path: String) throws -> XMLTree {
        var line: Int32 = 0
        var reason = [CChar](repeating: 0, count: 512)
        let doc: UnsafeMutableRawPointer? = data.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return nil }
            return prep_xml_read(base.assumingMemoryBound(to: CChar.self), Int32(raw.count), (path as NSString).lastPathComponent,
                                 &reason, reason.count, &line)
        }
        guard let doc else {
            let why = String(cString: reason).trimmingCharacters(in: .whitespacesAndNewlines)
            throw PrepError.input(file: path, line: line > 0 ? Int(line) : nil,
                                  reason: why.isEmpty ? "not well-formed XML" : "not well-formed XML: " + why)
        }
        defer { prep_xml_free_doc(doc) }
        guard let root = prep_xml_root(doc) else {
            throw PrepError.input(file: path, line: nil, reason: "XML without a root element")
        }
        return build(root)
    }

    static func build(_ node: OpaquePointer) -> XMLTree {
        var attributes: [(String, String)] = []
        var attr = prep_xml_first_attribute(node)
        while let a = attr {
            var value = ""
            if let v = prep_xml_attribute_value(a) {
                value = String(cString: v)
                prep_xml_free(v)
            }
            attributes.append((String(cString: prep_xml_name(a)), value))
            attr = prep_xml_next(a)
        }
        var children: [XMLTree] = []
        var text = ""
        var child = prep_xml_first_child(node)
        while let c = child {
            switch prep_xml_kind(c) {
            case Int32(PREP_XML_ELEMENT): children.append(build(c))
            case Int32(PREP_XML_TEXT):
                if let content = prep_xml_content(c) { text += String(cString: content) }
            default: break
            }
            child = prep_xml_next(c)
        }
        return XMLTree(name: String(cString: prep_xml_name(node)), attributes: attributes, text: text,
                       children: children, line: prep_xml_line(node))
    }
}
