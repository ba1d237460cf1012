// swift-tools-version:6.0
// prep: OCR dataset preparation and annotation conversion.
// Data flow (DESIGN.md): C libraries → PrepCore → (PrepConverters | PrepFormats) → PrepPipeline → prep.
import PackageDescription

/// A system library reached through a module map in Sources/<name>.
func systemLibrary(_ name: String, pkgConfig: String? = nil) -> Target {
    .systemLibrary(name: name, path: "Sources/\(name)", pkgConfig: pkgConfig,
                   providers: [.apt([])])
}

let swift5: [SwiftSetting] = [.swiftLanguageMode(.v5)]
/// The engine's modules are optimized in debug builds too: the tests train and run models, and
/// at -Onone that was over a third of the suite's time.
let optimizedInDebug: [SwiftSetting] = swift5 + [.unsafeFlags(["-O"], .when(configuration: .debug))]

let package = Package(
    name: "prep",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "prep", targets: ["prep"]),
        .library(name: "PrepPipeline", targets: ["PrepPipeline"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", exact: "6.2.2"),
        .package(url: "https://github.com/apple/swift-protobuf.git", exact: "1.39.0"),
    ],
    targets: [
        // C libraries (module maps) and the C shim that turns setjmp/longjmp and libjpeg warnings
        // into return codes.
        systemLibrary("CLMDB"),
        systemLibrary("CJPEG"),
        systemLibrary("CPNG", pkgConfig: "libpng"),
        systemLibrary("CZip"),
        systemLibrary("CZlib"),
        systemLibrary("CCrypto"),
        systemLibrary("CArchive"),
        .target(name: "CImageShim", dependencies: ["CJPEG", "CPNG", "CZlib"],
                path: "Sources/CImageShim",
                linkerSettings: [.linkedLibrary("jpeg"), .linkedLibrary("png16"), .linkedLibrary("z")]),
        // libxml2, libarchive, libzip and libcrypto, loaded on first use rather than linked (the
        // module maps above give their headers; CLazyLibs defines the functions prep calls, and
        // wraps libxml2, whose headers need their own include folder, behind lazy_xml.h).
        .target(name: "CLazyLibs", dependencies: ["CArchive", "CZip", "CCrypto"], path: "Sources/CLazyLibs",
                cSettings: [.unsafeFlags(["-I/usr/include/libxml2", "-I/usr/local/include/libxml2"])],
                linkerSettings: [.linkedLibrary("dl", .when(platforms: [.linux])), .linkedLibrary("pthread", .when(platforms: [.linux]))]),
        // One HTTP GET through libcurl, dlopen'ed on first use (only `prep obtain` downloads, so no
        // other run links libcurl and its ~25 libraries at start).
        .target(name: "CCurlShim", path: "Sources/CCurlShim",
                linkerSettings: [.linkedLibrary("dl", .when(platforms: [.linux]))]),
        // Clipper 6.4 (libpolyclipping, what pyclipper wraps) behind a C header: DBNet's offsets.
        .target(name: "CClipper", path: "Sources/CClipper", linkerSettings: [.linkedLibrary("polyclipping")]),
        // prep's own kernels, chosen at run time from CPUID: GEMM for inference weights packed once
        // (AVX-512 / AVX2 / portable), the AVX-512 SGEMM behind `sgemm`, Winograd row transforms.
        // -O3 even in debug builds: the tests would otherwise run unoptimised kernels.
        .target(name: "CPrepKernels", path: "Sources/CPrepKernels", cSettings: [.unsafeFlags(["-O3"])]),

        // Canonical model, geometry, images, text, output, report.
        .target(name: "PrepCore",
                dependencies: ["PrepRandom", "CImageShim", "CJPEG", "CPNG", "CLMDB", "CZip", "CZlib", "CCrypto", "CArchive", "CLazyLibs"],
                swiftSettings: swift5),
        // Raw annotation formats → canonical samples (one file per raw format family).
        .target(name: "PrepConverters", dependencies: ["PrepCore"], path: "converters",
                swiftSettings: swift5),
        // Canonical samples ⇄ output files.
        .target(name: "PrepFormats", dependencies: ["PrepCore", "CLMDB"], swiftSettings: swift5),
        // Zoo recipes, gather, pack, parallel ordered run.
        .target(name: "PrepPipeline",
                dependencies: ["PrepCore", "PrepConverters", "PrepFormats", "PrepEval", "CCurlShim", "CPrepKernels",
                               .product(name: "Yams", package: "Yams")],
                swiftSettings: swift5,
                plugins: ["ZooEmbedPlugin"]),

        // The lean core (DESIGN.md §2b). Metrics: pure functions, no files.
        .target(name: "PrepEval", swiftSettings: swift5),
        // The engine: tensors, layers with explicit forward/backward, losses, optimizers,
        // safetensors. Knows nothing of OCR.
        // OpenBLAS is dlopen'ed on first use (Core/OpenBLAS.swift), not linked.
        .target(name: "PrepNN", dependencies: ["PrepRandom", "CPrepKernels"], exclude: ["API.md"], swiftSettings: optimizedInDebug),
        // SplitMix64, the one seeded generator PrepCore and PrepNN share.
        .target(name: "PrepRandom", swiftSettings: swift5),
        // ONNX: the ModelProto (generated from onnx.proto, scripts/gen-onnx-proto.sh), graph
        // building, reading, and an interpreter that runs graphs with the engine's kernels.
        .target(name: "PrepONNX", dependencies: ["PrepNN", .product(name: "SwiftProtobuf", package: "swift-protobuf")],
                swiftSettings: swift5),
        // Models built from the engine (CRNN, DBNet), their data pipelines, trainer, export.
        .target(name: "PrepModels",
                dependencies: ["PrepNN", "PrepEval", "PrepFormats", "PrepCore", "CClipper", "PrepONNX"],
                swiftSettings: optimizedInDebug),

        // The command-line tool.
        .executableTarget(name: "prep",
                          dependencies: ["PrepPipeline", "PrepEval", "PrepNN", "PrepModels",
                                         .product(name: "ArgumentParser", package: "swift-argument-parser")],
                          // The release binary carries the Swift runtime and Foundation itself:
                          // resolving their symbols from shared libraries was a third of a
                          // short run's time (bench/det_bench.sh). Debug builds and the tests
                          // link them dynamically, as XCTest does.
                          swiftSettings: swift5 + [.unsafeFlags(["-static-stdlib"], .when(configuration: .release))],
                          linkerSettings: [.unsafeFlags(["-static-stdlib"], .when(configuration: .release))]),

        // Build-time embedding of dataset-zoo/ into the binary.
        .executableTarget(name: "zoo-embed", path: "Sources/zoo-embed"),
        .executableTarget(name: "crnn-bench", dependencies: ["PrepModels"], path: "bench/crnn-bench", swiftSettings: swift5),
        .executableTarget(name: "dbnet-bench", dependencies: ["PrepModels"], path: "bench/dbnet-bench", swiftSettings: swift5),
        .executableTarget(name: "dbpost-bench", dependencies: ["PrepModels"], path: "bench/dbpost-bench", swiftSettings: swift5),
        .executableTarget(name: "onnx-bench", dependencies: ["PrepModels", "PrepONNX"], path: "bench/onnx-bench", swiftSettings: swift5),
        .executableTarget(name: "onnx-det-bench", dependencies: ["PrepModels", "PrepONNX"], path: "bench/onnx-det-bench", swiftSettings: swift5),
        .plugin(name: "ZooEmbedPlugin", capability: .buildTool(), dependencies: ["zoo-embed"],
                path: "Sources/ZooEmbedPlugin"),

        .testTarget(name: "PrepCoreTests", dependencies: ["PrepCore"], swiftSettings: swift5),
        .testTarget(name: "PrepConvertersTests", dependencies: ["PrepConverters"], swiftSettings: swift5),
        .testTarget(name: "PrepFormatsTests", dependencies: ["PrepFormats"], swiftSettings: swift5),
        .testTarget(name: "PrepPipelineTests", dependencies: ["PrepPipeline", .product(name: "Yams", package: "Yams")], swiftSettings: swift5),
        .testTarget(name: "PrepEvalTests", dependencies: ["PrepEval"], swiftSettings: swift5),
        .testTarget(name: "PrepNNTests", dependencies: ["PrepNN"], swiftSettings: swift5),
        .testTarget(name: "PrepModelsTests", dependencies: ["PrepModels"], swiftSettings: swift5),
        .testTarget(name: "PrepONNXTests", dependencies: ["PrepONNX", "PrepNN"], swiftSettings: swift5),
        .testTarget(name: "EndToEndTests", dependencies: ["prep", "PrepFormats"], swiftSettings: swift5),
    ]
)
