import CLMDB
import CZip
import CLazyLibs
import CZlib
import CImageShim
import CJPEG
import CPNG

/// Versions of the linked C libraries (also a cheap proof that each one links).
public enum CLibraries {
    public static var lmdb: String { String(cString: mdb_version(nil, nil, nil)) }
    public static var zlib: String { String(cString: zlibVersion()) }
    public static var libzip: String { String(cString: zip_libzip_version()) }
    public static var libxml2: String { String(cString: prep_xml_version()) }

    /// Parses a tiny XML document through libxml2 and returns its root element's name.
    public static func xmlRootName(_ xml: String) -> String? {
        (try? XMLTree.parse(data: Array(xml.utf8), path: "memory.xml"))?.name
    }
    public static var libpng: String { String(cString: png_get_libpng_ver(nil)) }
    public static var libjpeg: String { "libjpeg-turbo (JPEG_LIB_VERSION \(JPEG_LIB_VERSION))" }
}
