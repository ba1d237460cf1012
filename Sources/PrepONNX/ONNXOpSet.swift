/// The operators prep's interpreter runs, and the kernel that runs each. This is the op set of
/// CRNN and DBNet exports (prep's and PyTorch's/MMOCR's/MMDeploy's, with the shape glue PyTorch
/// writes) plus a few cheap extras.
public enum ONNXOpSet {
    /// The newest default-domain opset whose semantics for these operators prep knows
    /// (every listed operator is unchanged in meaning up to it; lean-core.md §6.2).
    public static let newestOpset = 22
    /// The oldest: Squeeze/Unsqueeze/Slice forms before 11 are not read.
    public static let oldestOpset = 11

    /// Supported operator names, sorted (for the README and error messages).
    public static var supported: [String] { makers.keys.sorted() }

    static let makers: [String: (ONNXKernelContext) throws -> ONNXKernel] = [
        "Conv": { try ConvKernel($0) },
        "ConvTranspose": { try ConvTransposeKernel($0) },
        "Resize": { try ResizeKernel($0) },
        "BatchNormalization": { try BatchNormKernel($0) },
        "MaxPool": { try MaxPoolKernel($0) },
        "LSTM": { try LSTMKernel($0) },
        "Gemm": { try GemmKernel($0) },
        "MatMul": { try MatMulKernel($0) },
        "Relu": { try UnaryKernel($0, .relu) },
        "Sigmoid": { try UnaryKernel($0, .sigmoid) },
        "Tanh": { try UnaryKernel($0, .tanh) },
        "Identity": { try UnaryKernel($0, .identity) },
        "Dropout": { try UnaryKernel($0, .identity) },
        "Add": { try BinaryKernel($0, .add) },
        "Sub": { try BinaryKernel($0, .sub) },
        "Mul": { try BinaryKernel($0, .mul) },
        "Div": { try BinaryKernel($0, .div) },
        "Softmax": { try SoftmaxKernel($0, log: false) },
        "LogSoftmax": { try SoftmaxKernel($0, log: true) },
        "Transpose": { try TransposeKernel($0) },
        "Reshape": { try ReshapeKernel($0, flatten: false) },
        "Flatten": { try ReshapeKernel($0, flatten: true) },
        "Squeeze": { try SqueezeKernel($0, squeeze: true) },
        "Unsqueeze": { try SqueezeKernel($0, squeeze: false) },
        "Concat": { try ConcatKernel($0) },
        "Gather": { try GatherKernel($0) },
        "Shape": { try ShapeKernel($0) },
        "ConstantOfShape": { try ConstantOfShapeKernel($0) },
        "Slice": { try SliceKernel($0) },
        "Cast": { try CastKernel($0) },
    ]
}
