import XCTest
@testable import PrepModels

final class CTCGreedyDecoderTests: XCTestCase {
    /// Logits that put `p` on class `c` at each step (the rest spread evenly).
    func logits(_ steps: [(Int, Float)], classes C: Int) -> [Float] {
        var out: [Float] = []
        for (c, p) in steps {
            let rest = (1 - p) / Float(C - 1)
            for k in 0..<C { out.append(log(k == c ? p : rest)) }
        }
        return out
    }

    func testCollapsesRepeatsAndBlanksAndScoresAsMMOCR() {
        let cs = try! Charset(characters: ["a", "b"])
        let d = CTCGreedyDecoder(charset: cs)
        // a a _ a b b _ → "aab"; scores = the kept steps' probabilities (first of each run).
        let l = logits([(1, 0.9), (1, 0.6), (0, 0.8), (1, 0.7), (2, 0.5), (2, 0.99), (0, 0.9)], classes: 3)
        let p = d.decode(logits: l, count: 1, steps: 7)[0]
        XCTAssertEqual(p.text, "aab")
        XCTAssertEqual(p.classes, [1, 1, 2])
        XCTAssertEqual(p.characterScores.count, 3)
        for (s, e) in zip(p.characterScores, [0.9, 0.7, 0.5] as [Float]) { XCTAssertEqual(s, e, accuracy: 1e-5) }
        XCTAssertEqual(p.score, (0.9 + 0.7 + 0.5) / 3, accuracy: 1e-5)
    }

    func testValidRatioCutsTheSequenceAndEmptyScoresZero() {
        let cs = try! Charset(characters: ["a", "b"])
        let d = CTCGreedyDecoder(charset: cs)
        let l = logits([(1, 0.9), (0, 0.9), (2, 0.9), (2, 0.9)], classes: 3) + logits([(0, 0.9), (0, 0.9), (0, 0.9), (0, 0.9)], classes: 3)
        let p = d.decode(logits: l, count: 2, steps: 4, validRatios: [0.5, 1])
        XCTAssertEqual(p[0].text, "a")  // ⌈4·0.5⌉ = 2 steps
        XCTAssertEqual(p[1].text, "")
        XCTAssertEqual(p[1].score, 0)
    }
}
