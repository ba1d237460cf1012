/// A float32 tensor: a shape and one contiguous, row-major buffer that the tensor owns.
///
/// A reference type on purpose: layers allocate their outputs and gradients once and reuse
/// them batch after batch (the llm.c way), so `resize` only reallocates when a batch needs
/// more room than any before it.
public final class Tensor {
    public private(set) var shape: [Int]
    public private(set) var count: Int
    private var capacity: Int
    /// The elements, row-major. Valid for `count` elements until the next `resize`.
    public private(set) var data: UnsafeMutablePointer<Float>
    /// Counts changes made through the tensor's own methods (`set`, `copy`, `zero`, `fill`,
    /// `resize`) and `markChanged()`, which code that writes through `data`
    /// (optimizers) calls; the subscript's setter does not count (threads may write through it at once). Caches derived from a tensor's values (`Conv2d`'s Winograd
    /// weights) compare it to know when to rebuild.
    public private(set) var version: UInt64 = 0

    /// Records a change made through `data`.
    public func markChanged() { version &+= 1 }

    /// A zero-filled tensor.
    public init(shape: [Int]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in \(shape)")
        self.shape = shape
        count = shape.reduce(1, *)
        capacity = max(count, 1)
        data = .allocate(capacity: capacity)
        data.initialize(repeating: 0, count: capacity)
    }

    /// A tensor holding `values` (row-major) with the given shape.
    public convenience init(shape: [Int], values: [Float]) {
        self.init(shape: shape)
        precondition(values.count == count, "\(values.count) values for shape \(shape)")
        values.withUnsafeBufferPointer { data.update(from: $0.baseAddress!, count: count) }
    }

    deinit { data.deallocate() }

    /// Gives the tensor a new shape. Contents are kept only as raw memory: callers overwrite
    /// them. Reallocates (zero-filled) only when the new shape needs more room.
    public func resize(_ newShape: [Int]) {
        let n = newShape.reduce(1, *)
        if n > capacity {
            data.deallocate()
            capacity = n
            data = .allocate(capacity: n)
            data.initialize(repeating: 0, count: n)
        }
        shape = newShape
        count = n
        version &+= 1
    }

    /// Reinterprets the same elements with another shape of equal element count.
    public func reshape(_ newShape: [Int]) {
        precondition(newShape.reduce(1, *) == count, "cannot reshape \(shape) to \(newShape)")
        shape = newShape
    }

    public func zero() { data.update(repeating: 0, count: count); version &+= 1 }

    public func fill(_ v: Float) { data.update(repeating: v, count: count); version &+= 1 }

    /// Makes this tensor an exact copy (shape and values) of `other`.
    public func copy(from other: Tensor) {
        resize(other.shape)
        data.update(from: other.data, count: count)
        version &+= 1
    }

    /// A copy of the elements as an array (tests, saving).
    public var values: [Float] { Array(UnsafeBufferPointer(start: data, count: count)) }

    public subscript(i: Int) -> Float {
        get { data[i] }
        set { data[i] = newValue }
    }

    /// Sets the elements from an array of the same count.
    public func set(_ values: [Float]) {
        precondition(values.count == count, "\(values.count) values for shape \(shape)")
        values.withUnsafeBufferPointer { data.update(from: $0.baseAddress!, count: count) }
        version &+= 1
    }
}
