import XCTest
@testable import PrepEval

final class PrepEvalSmokeTests: XCTestCase {
    /// The target links; real tests live beside this file.
    func testTargetLinks() { XCTAssertEqual(String(describing: PrepEval.self), "PrepEval") }
}
