import Foundation
import CXML2

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
        xmlResetLastError()
        let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue)
        let doc: xmlDocPtr? = data.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return nil }
            return xmlReadMemory(base.assumingMemoryBound(to: CChar.self), Int32(raw.count), (path as NSString).lastPathComponent, nil, options)
        }
        guard let doc else {
            var line: Int? = nil
            var message = "not well-formed XML"
            if let err = xmlGetLastError() {
                line = Int(err.pointee.line)
                if let m = err.pointee.message {
                    message = "not well-formed XML: " + String(cString: m).trimmingCharacters(in: .whitespacesAndNewlines)
                }
            }
            throw PrepError.input(file: path, line: line, reason: message)
        }
        defer { xmlFreeDoc(doc) }
        guard let root = xmlDocGetRootElement(doc) else {
            throw PrepError.input(file: path, line: nil, reason: "XML without a root element")
        }
        return build(root)
    }

    static func build(_ node: xmlNodePtr) -> XMLTree {
        var attributes: [(String, String)] = []
        var attr = node.pointee.properties
        while let a = attr {
            let key = String(cString: a.pointee.name)
            var value = ""
            if let v = xmlNodeListGetString(node.pointee.doc, a.pointee.children, 1) {
                value = String(cString: v)
                prep_xml_free(v)
            }
            attributes.append((key, value))
            attr = a.pointee.next
        }
        var children: [XMLTree] = []
        var text = ""
        var child = node.pointee.children
        while let c = child {
            switch c.pointee.type {
            case XML_ELEMENT_NODE: children.append(build(c))
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                if let content = c.pointee.content { text += String(cString: content) }
            default: break
            }
            child = c.pointee.next
        }
        return XMLTree(name: String(cString: node.pointee.name), attributes: attributes, text: text,
                          children: children, line: Int(xmlGetLineNo(node)))
    }
}
