import XCTest
@testable import PrepNN

final class PrepNNSmokeTests: XCTestCase {
    /// The target links; real tests live beside this file.
    func testTargetLinks() { XCTAssertEqual(String(describing: PrepNN.self), "PrepNN") }
}
