import XCTest
@testable import PrepModels

final class PrepModelsSmokeTests: XCTestCase {
    /// The target links; real tests live beside this file.
    func testTargetLinks() { XCTAssertEqual(String(describing: PrepModels.self), "PrepModels") }
}
