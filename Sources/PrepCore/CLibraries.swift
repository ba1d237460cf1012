import CLMDB
import CZip
import CXML2
import CZlib
import CImageShim
import CJPEG
import CPNG

/// Versions of the linked C libraries (also a cheap proof that each one links).
public enum CLibraries {
    public static var lmdb: String { String(cString: mdb_version(nil, nil, nil)) }
    public static var zlib: String { String(cString: zlibVersion()) }
    public static var libzip: String { String(cString: zip_libzip_version()) }
    public static var libxml2: String {
        xmlCheckVersion(LIBXML_VERSION)
        return LIBXML_DOTTED_VERSION
    }

    /// Parses a tiny XML document through libxml2 and returns its root element's name.
    public static func xmlRootName(_ xml: String) -> String? {
        let bytes = Array(xml.utf8)
        guard let doc = bytes.withUnsafeBufferPointer({ buf in
            buf.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buf.count) {
                xmlReadMemory($0, Int32(buf.count), "memory.xml", nil, Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue))
            }
        }) else { return nil }
        defer { xmlFreeDoc(doc) }
        guard let root = xmlDocGetRootElement(doc), let name = root.pointee.name else { return nil }
        return String(cString: name)
    }
    public static var libpng: String { String(cString: png_get_libpng_ver(nil)) }
    public static var libjpeg: String { "libjpeg-turbo (JPEG_LIB_VERSION \(JPEG_LIB_VERSION))" }
}
