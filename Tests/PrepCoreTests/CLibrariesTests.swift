import XCTest
import CLazyLibs
@testable import PrepCore

/// Each linked C library is called once; corrupt input becomes a Swift error, never an exit.
final class CLibrariesTests: XCTestCase {
    func testEveryLibraryLinks() {
        XCTAssertTrue(CLibraries.lmdb.hasPrefix("LMDB 0.9"), CLibraries.lmdb)
        XCTAssertTrue(CLibraries.zlib.hasPrefix("1."), CLibraries.zlib)
        XCTAssertTrue(CLibraries.libzip.hasPrefix("1."), CLibraries.libzip)
        XCTAssertTrue(CLibraries.libpng.hasPrefix("1.6"), CLibraries.libpng)
        XCTAssertTrue(CLibraries.libxml2.hasPrefix("2."), CLibraries.libxml2)
        XCTAssertEqual(CLibraries.xmlRootName("<?xml version='1.0'?><annotation><object/></annotation>"), "annotation")
        XCTAssertNil(CLibraries.xmlRootName("<annotation><object></annotation>"))
        XCTAssertTrue(CLibraries.libjpeg.contains("JPEG_LIB_VERSION"))
    }

    /// The libraries loaded on first use (CLazyLibs) are found under one of the names it tries,
    /// and each is a library prep can call into (an MD5 through libcrypto).
    func testLazyLibrariesLoad() throws {
        // ISA-L is optional to prep (zlib inflates without it) but installed with the others, so tested.
        for library in [PREP_LIB_XML2, PREP_LIB_ARCHIVE, PREP_LIB_ZIP, PREP_LIB_CRYPTO, PREP_LIB_ISAL] {
            var why = [CChar](repeating: 0, count: 512)
            XCTAssertEqual(prep_lazy_available(Int32(library), &why, UInt(why.count)), 1, String(cString: why))
        }
        let md5 = Digest(.md5)
        md5.update(Array("abc".utf8))
        XCTAssertEqual(Digest.hex(md5.finish()), "900150983cd24fb0d6963f7d28e17f72")
    }

    func testJPEGDecodeAndCorruptInput() throws {
        let px = try ImageCodec.decode(TestData.bytes("icdar2015-quirks/imgs/training/img_1.jpg"), name: "img_1.jpg")
        XCTAssertEqual([px.width, px.height, px.channels], [64, 48, 3])
        // Not a JPEG past its signature: libjpeg's error_exit would end the process.
        XCTAssertThrowsError(try ImageCodec.decode([0xFF, 0xD8, 0xFF, 0x00, 0x01, 0x02], name: "bad.jpg"))
        // Cut in its data: libjpeg only warns and fills grey; prep reports it as truncated.
        XCTAssertThrowsError(try ImageCodec.decode(TestData.bytes("icdar2015-quirks/imgs/training/img_5.jpg"), name: "cut.jpg")) { e in
            XCTAssertTrue("\(e)".contains("truncated"), "\(e)")
        }
    }

    func testPNGRoundTrip() throws {
        let px = try ImageCodec.decode(TestData.bytes("icdar2015-quirks/imgs/training/img_2.png"), name: "img_2.png")
        XCTAssertEqual([px.width, px.height], [80, 60])
        let encoded = try ImageCodec.encodePNG(px)
        XCTAssertEqual(try ImageCodec.decode(encoded, name: "re.png"), px)
        XCTAssertThrowsError(try ImageCodec.decode(Array(encoded.prefix(encoded.count / 2)), name: "half.png"))
    }
}
