// swift-tools-version:6.0
// Almanac: a business-intelligence and reporting engine for a county council.
// Library targets do the work; the `almanac` executable only parses arguments and hands off.
import PackageDescription

let package = Package(
    name: "Almanac",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "almanac", targets: ["almanac"]),
        .library(name: "AlmanacReports", targets: ["AlmanacReports"]),
        .library(name: "AlmanacWarehouse", targets: ["AlmanacWarehouse"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
    ],
    targets: [
        // Values, periods and time grains, diagnostics, number formats, CSV reading.
        .target(name: "AlmanacCore"),
        // The semantic model: YAML loader and validator.
        .target(name: "AlmanacModel", dependencies: ["AlmanacCore", "Yams"]),
        // Query request -> plan -> SQL through a dialect. Pure: no database.
        .target(name: "AlmanacQuery", dependencies: ["AlmanacCore", "AlmanacModel"]),
        // The SQLite warehouse: schema, CSV loading, running compiled queries.
        .target(
            name: "AlmanacWarehouse",
            dependencies: [
                "AlmanacCore", "AlmanacModel", "AlmanacQuery", "AlmanacAnalysis",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]),
        // The synthetic council data generator behind sample-data/ and `almanac sample`.
        .target(name: "AlmanacSample", dependencies: ["AlmanacCore"]),
        // Trend tests, statistical process control, funnel plots, findings and commentary.
        .target(name: "AlmanacAnalysis", dependencies: ["AlmanacCore"]),
        // Chart spec -> scales -> layout -> backend-free scene.
        .target(name: "AlmanacCharts", dependencies: ["AlmanacCore"]),
        .systemLibrary(
            name: "CCairo", pkgConfig: "cairo",
            providers: [.apt(["libcairo2-dev"])]),
        .systemLibrary(
            name: "CPangoCairo", pkgConfig: "pangocairo",
            providers: [.apt(["libpango1.0-dev"])]),
        // Scene -> Cairo surfaces (PDF, SVG, PNG) with Pango text.
        .target(name: "AlmanacRender", dependencies: ["AlmanacCharts", "CCairo", "CPangoCairo"]),
        // Exchanges two folders in one step (renameat2), so a republished period is replaced atomically.
        .target(name: "CFileSwap"),
        // Report definitions, PDF packs, HTML through templates, CSV.
        .target(
            name: "AlmanacReports",
            dependencies: [
                "AlmanacCore", "AlmanacModel", "AlmanacQuery", "AlmanacWarehouse", "AlmanacAnalysis",
                "AlmanacCharts", "AlmanacRender", "Yams", "CFileSwap",
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]),
        // Schedules, the run ledger's runner, delivery by email, retention of outputs.
        .target(
            name: "AlmanacOps",
            dependencies: [
                "AlmanacCore", "AlmanacModel", "AlmanacQuery", "AlmanacWarehouse", "AlmanacReports", "AlmanacRender",
                .product(name: "Crypto", package: "swift-crypto"),
            ]),
        .executableTarget(
            name: "almanac",
            dependencies: [
                "AlmanacCore", "AlmanacModel", "AlmanacQuery", "AlmanacWarehouse", "AlmanacSample",
                "AlmanacReports", "AlmanacAnalysis", "AlmanacOps",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .testTarget(name: "AlmanacCoreTests", dependencies: ["AlmanacCore"]),
        .testTarget(name: "AlmanacAnalysisTests", dependencies: ["AlmanacAnalysis"], exclude: ["Fixtures"]),
        .testTarget(name: "AlmanacModelTests", dependencies: ["AlmanacModel"]),
        .testTarget(
            name: "AlmanacQueryTests", dependencies: ["AlmanacQuery", "AlmanacModel"],
            exclude: ["Golden"]),
        .testTarget(
            name: "AlmanacWarehouseTests",
            dependencies: ["AlmanacWarehouse", "AlmanacSample", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "AlmanacChartsTests", dependencies: ["AlmanacCharts", "AlmanacRender"], exclude: ["Golden"]),
        .testTarget(name: "AlmanacReportsTests", dependencies: ["AlmanacReports", "AlmanacModel", "AlmanacCharts"]),
        .testTarget(name: "AlmanacEndToEndTests", dependencies: []),
        .testTarget(name: "AlmanacOpsTests", dependencies: ["AlmanacOps", "AlmanacWarehouse", "AlmanacSample"]),
    ]
)
