import AlmanacCore
import Foundation

/// Writes the synthetic council data set: districts, electoral divisions, services,
/// customers and daily activity, at any size, the same bytes for the same rows and seed.
///
/// Activity is drawn from an intensity per day, district and service: population ×
/// demand per head × the service's volume, season, weekday pattern and trend, with noise
/// and the planted anomalies of `CouncilProfile.anomalies`. Exactly `rows` activity rows
/// are shared out over the days in proportion to that intensity (systematic sampling), so
/// the shape is the same at 70 thousand rows or 10 million.
public struct SampleGenerator: Sendable {
    /// Activity rows to write.
    public var rows: Int
    /// Random seed.
    public var seed: UInt64

    /// What a run wrote.
    public struct Summary: Sendable {
        /// Activity rows.
        public var activityRows: Int
        /// Customers.
        public var customers: Int
        /// Electoral divisions.
        public var wards: Int
        /// Files written, with their sizes in bytes.
        public var files: [(name: String, bytes: Int)]
    }

    /// Creates a generator.
    public init(rows: Int, seed: UInt64) {
        self.rows = rows
        self.seed = seed
    }

    /// The illustrative electoral divisions: code, name and district code, 4–10 per district.
    public static var wards: [(code: String, name: String, district: String)] {
        var result: [(String, String, String)] = []
        for d in CouncilProfile.districts {
            let n = max(4, min(10, d.population / 15_000))
            for i in 0..<n {
                let suffix = CouncilProfile.divisionSuffixes[i]
                result.append(("\(d.abbreviation)\(i + 1 < 10 ? "0" : "")\(i + 1)", "\(d.name) \(suffix)", d.code))
            }
        }
        return result
    }

    /// Writes every file into `directory` (created if needed). Each file is written to a
    /// temporary name and renamed into place, so an interrupted run leaves no half file.
    public func write(to directory: String, progress: ((Int, Int) -> Void)? = nil) throws -> Summary {
        guard rows >= 1 else {
            throw Diagnostic(field: "--rows", message: "rows must be at least 1 (got \(rows))")
        }
        let fm = FileManager.default
        do {
            try fm.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw Diagnostic(file: directory, message: "cannot create the output folder", hint: "check the path and its permissions")
        }
        var files: [(String, Int)] = []
        func emit(_ name: String, _ body: (inout ByteSink) throws -> Void) throws {
            let path = (directory as NSString).appendingPathComponent(name)
            var sink = try ByteSink(path: path + ".part")
            do {
                try body(&sink)
                try sink.close()
                if fm.fileExists(atPath: path) { try fm.removeItem(atPath: path) }
                try fm.moveItem(atPath: path + ".part", toPath: path)
            } catch {
                try? fm.removeItem(atPath: path + ".part")
                throw error
            }
            files.append((name, sink.written))
        }

        let profile = CouncilProfile.self
        let anomalies = profile.anomalies(seed: seed)
        let wards = SampleGenerator.wards
        try emit("districts.csv") { out in
            out.line("district_code,district_name,county_code,county_name,population")
            for d in profile.districts {
                out.line("\(d.code),\(d.name),\(profile.countyCode),\(profile.countyName),\(d.population)")
            }
        }
        try emit("wards.csv") { out in
            out.line("ward_code,ward_name,district_code")
            for w in wards { out.line("\(w.code),\(w.name),\(w.district)") }
        }
        try emit("population.csv") { out in
            // Mid-year resident population estimates, one row per district and calendar year.
            out.line("district_code,year,population")
            for d in profile.districts {
                for year in profile.firstDay.year...profile.lastDay.year {
                    let growth = pow(1 + profile.populationGrowth(d), Double(year - 2022))
                    out.line("\(d.code),\(year),\(Int((Double(d.population) * growth).rounded()))")
                }
            }
        }
        try emit("services.csv") { out in
            out.line("service_code,service_name,directorate")
            for s in profile.services { out.line(CSVWriter.escape(s.code) + "," + CSVWriter.escape(s.name) + "," + CSVWriter.escape(s.directorate)) }
        }

        // Customers: shared among districts by population and demand, and among age bands.
        var rng = SplitMix64(seed: seed)
        let customerCount = max(200, rows / 4)
        let idWidth = max(7, String(customerCount).count + 1)
        var modulus: UInt64 = 1
        for _ in 0..<idWidth { modulus *= 10 }
        func customerID(_ index: Int) -> String {
            // A bijection of the index onto idWidth digits, so keys reveal nothing of order.
            let v = (UInt64(index) &* 4_435_761 &+ 1_234_567) % modulus
            let digits = String(v)
            return "C" + String(repeating: "0", count: idWidth - digits.count) + digits
        }
        let districtWeights = profile.districts.map { Double($0.population) * $0.demandIndex }
        let districtTotal = districtWeights.reduce(0, +)
        var pools: [[Range<Int>]] = []
        var next = 0
        for (di, _) in profile.districts.enumerated() {
            var row: [Range<Int>] = []
            for (bi, share) in profile.ageShares.enumerated() {
                let isLast = di == profile.districts.count - 1 && bi == profile.ageShares.count - 1
                let size = isLast ? customerCount - next : max(1, Int((Double(customerCount) * districtWeights[di] / districtTotal * share).rounded()))
                row.append(next..<(next + max(1, size)))
                next += max(1, size)
            }
            pools.append(row)
        }
        let totalCustomers = next
        try emit("customers.csv") { out in
            out.line("customer_id,age_band,age_band_order")
            for (di, _) in profile.districts.enumerated() {
                for (bi, band) in profile.ageBands.enumerated() {
                    for i in pools[di][bi] { out.line("\(customerID(i)),\(band),\(bi + 1)") }
                }
            }
        }

        // Intensity of every (day, district, service) cell.
        let first = profile.firstDay.ordinal, days = profile.lastDay.ordinal - first + 1
        let nd = profile.districts.count, ns = profile.services.count
        var intensity = [Double](repeating: 0, count: days * nd * ns)
        var total = 0.0
        for dayIndex in 0..<days {
            let day = Day(ordinal: first + dayIndex)
            let years = Double(dayIndex) / 365.25
            let weekend = day.weekday >= 5
            // Christmas Day and Boxing Day: the council is closed but for the website.
            let closed = day.month == 12 && (day.day == 25 || day.day == 26)
            for (di, d) in profile.districts.enumerated() {
                for (si, s) in profile.services.enumerated() {
                    var v = Double(d.population) / 1000 * d.demandIndex * s.volume
                    v *= s.season[day.month - 1] * (weekend ? s.weekend : 1) * (closed ? 0.1 : 1)
                    v *= pow(1 + s.annualGrowth, years)
                    if s.code == "HWY" && d.code == "E07000124" { v *= 1.5 }  // rural roads: more highways per head
                    for a in anomalies where a.measure == "contacts" && a.channel == nil
                        && (a.serviceCode ?? s.code) == s.code && (a.districtCode ?? d.code) == d.code && day >= a.start && day <= a.end {
                        v *= a.factor
                    }
                    v *= exp(0.25 * rng.normal() - 0.03125)
                    intensity[(dayIndex * nd + di) * ns + si] = v
                    total += v
                }
            }
        }

        let phone = 0, web = 1
        let minutesPerContact = [9.0, 3.0, 22.0, 7.0]
        var isoDays: [String] = (0..<days).map { Day(ordinal: first + $0).description }
        isoDays.reserveCapacity(days)
        let wardsByDistrict = profile.districts.map { d in wards.filter { $0.district == d.code }.map(\.code) }
        try emit("activity.csv") { out in
            out.line("activity_date,customer_id,service_code,ward_code,channel,contacts,spend_gbp,handling_minutes,outcome")
            let offset = rng.unit()
            var cumulative = 0.0
            var produced = 0
            var used = Set<Int>()
            let scale = Double(rows) / total
            let cellCount = intensity.count
            for cell in 0..<cellCount {
                let expected = intensity[cell] * scale
                var n = Int((cumulative + expected + offset).rounded(.down)) - Int((cumulative + offset).rounded(.down))
                cumulative += expected
                if cell == cellCount - 1 { n = rows - produced }
                n = min(n, rows - produced)
                guard n > 0 else { continue }
                produced += n
                let dayIndex = cell / (nd * ns), di = (cell / ns) % nd, si = cell % ns
                let day = Day(ordinal: first + dayIndex)
                let s = profile.services[si], d = profile.districts[di]
                let years = Double(dayIndex) / 365.25
                var channelWeights = s.channels
                let shift = min(channelWeights[phone] * 0.6, profile.webShiftPerYear * years)
                channelWeights[phone] -= shift
                channelWeights[web] += shift
                for a in anomalies where day >= a.start && day <= a.end {
                    // An outage of one channel: its contacts go to the phone (or, when the
                    // phones are down, to the web).
                    guard let c = a.channel, let down = profile.channels.firstIndex(of: c) else { continue }
                    let other = down == phone ? web : phone
                    channelWeights[other] += channelWeights[down]
                    channelWeights[down] = 0
                }
                var spendFactor = 1.0
                for a in anomalies where a.measure == "spend" && a.serviceCode == s.code && a.districtCode == d.code
                    && day >= a.start && day <= a.end {
                    spendFactor *= a.factor
                }
                // The model's unique key is (date, customer, service, ward, channel): a draw that
                // repeats one already made for this day and service is drawn again (rarely more
                // than once; after 64 tries the next free customer is taken, so it ends).
                used.removeAll(keepingCapacity: true)
                let districtWards = wardsByDistrict[di]
                for _ in 0..<n {
                    var band = 0, customer = 0, wardIndex = 0, channel = 0
                    var tries = 0
                    repeat {
                        band = rng.pick(s.ages)
                        let pool = pools[di][band]
                        customer = pool.lowerBound + min(pool.count - 1, Int(Double(pool.count) * pow(rng.unit(), 2.2)))
                        wardIndex = min(districtWards.count - 1, Int(rng.unit() * Double(districtWards.count)))
                        channel = rng.pick(channelWeights)
                        tries += 1
                    } while used.contains((customer &* 64 &+ wardIndex) &* 8 &+ channel) && tries < 64
                    while used.contains((customer &* 64 &+ wardIndex) &* 8 &+ channel) && customer + 1 < totalCustomers { customer += 1 }
                    used.insert((customer &* 64 &+ wardIndex) &* 8 &+ channel)
                    let ward = districtWards[wardIndex]
                    var contacts = 1
                    while contacts < 9 && rng.unit() < 0.35 { contacts += 1 }
                    var pence = 0
                    if s.spendShare > 0 && rng.unit() < s.spendShare {
                        let pounds = s.spendMedian * exp(0.8 * rng.normal()) * Double(contacts).squareRoot() * spendFactor
                        pence = max(1, Int((pounds * 100).rounded()))
                    }
                    let tenths = max(1, Int((minutesPerContact[channel] * Double(contacts) * exp(0.35 * rng.normal()) * 10).rounded()))
                    let outcome = rng.pick(s.outcomes)
                    out.raw(isoDays[dayIndex]); out.comma()
                    out.raw(customerID(customer)); out.comma()
                    out.raw(s.code); out.comma()
                    out.raw(ward); out.comma()
                    out.raw(profile.channels[channel]); out.comma()
                    out.int(contacts); out.comma()
                    if pence == 0 { out.raw("0") } else { out.int(pence / 100); out.raw("."); out.twoDigits(pence % 100) }
                    out.comma()
                    out.int(tenths / 10); out.raw("."); out.int(tenths % 10); out.comma()
                    out.raw(profile.outcomes[outcome]); out.newline()
                }
                if let progress, cell % 20_000 == 0 { progress(produced, rows) }
            }
            progress?(produced, rows)
        }

        try emit("district-tiles.csv") { out in
            out.line("district_name,column,row")
            for t in profile.tiles { out.line("\(t.district),\(t.column),\(t.row)") }
        }
        try emit("districts-illustrative.geojson") { out in
            out.raw(SampleGenerator.illustrativeBoundaries())
        }
        try emit("anomalies.csv") { out in
            var w = CSVWriter(header: ["id", "kind", "measure", "service_code", "district_code", "channel", "start_date", "end_date", "factor", "description"])
            for a in anomalies {
                w.writeRow([a.id, a.kind, a.measure, a.serviceCode ?? "", a.districtCode ?? "", a.channel ?? "",
                            a.start.description, a.end.description, NumberFormat.trimmed(a.factor, maxDecimals: 2), a.description])
            }
            out.raw(w.text)
        }
        return Summary(activityRows: rows, customers: totalCustomers, wards: wards.count, files: files)
    }
}

extension SampleGenerator {
    /// GeoJSON polygons for the districts, made from the tile layout with irregular,
    /// shared edges so the map reads as a map. They are illustrative only, and say so:
    /// they are not the real district boundaries.
    public static func illustrativeBoundaries() -> String {
        // A vertex on the (2×column, 2×row) lattice moves by a fixed pseudo-random amount,
        // so two districts sharing an edge share its points exactly.
        func jitter(_ a: Int, _ b: Int, _ salt: UInt64) -> Double {
            var g = SplitMix64(seed: UInt64(bitPattern: Int64(a * 7919 + b * 104_729)) &+ salt)
            return (g.unit() - 0.5) * 0.35
        }
        func point(_ a: Int, _ b: Int) -> (Double, Double) {
            let lon = -3.05 + (Double(a) / 2 + jitter(a, b, 1)) * 0.22
            let lat = 54.15 - (Double(b) / 2 + jitter(a, b, 2)) * 0.16
            return ((lon * 10_000).rounded() / 10_000, (lat * 10_000).rounded() / 10_000)
        }
        var features: [String] = []
        for t in CouncilProfile.tiles {
            guard let d = CouncilProfile.districts.first(where: { $0.name == t.district }) else { continue }
            let c = 2 * t.column, r = 2 * t.row
            let ring = [(c, r), (c + 1, r), (c + 2, r), (c + 2, r + 1), (c + 2, r + 2), (c + 1, r + 2), (c, r + 2), (c, r + 1), (c, r)].map { point($0.0, $0.1) }
            let coordinates = ring.map { "[\($0.0), \($0.1)]" }.joined(separator: ", ")
            features.append("""
                {"type": "Feature", "properties": {"name": "\(d.name)", "code": "\(d.code)", "note": "illustrative boundary generated by Almanac, not the real district boundary"}, "geometry": {"type": "Polygon", "coordinates": [[\(coordinates)]]}}
                """)
        }
        return "{\"type\": \"FeatureCollection\", \"name\": \"Lancashire districts (illustrative boundaries, not real)\", \"features\": [\n" + features.joined(separator: ",\n") + "\n]}\n"
    }
}

/// A buffered file writer for generated CSV: appends bytes, flushes every megabyte.
struct ByteSink {
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private(set) var written = 0

    init(path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil), let h = FileHandle(forWritingAtPath: path) else {
            throw Diagnostic(file: path, message: "cannot write file", hint: "check the folder exists and is writable")
        }
        handle = h
        buffer.reserveCapacity(1 << 20)
    }

    mutating func raw(_ s: String) {
        buffer.append(contentsOf: s.utf8)
        if buffer.count >= 1 << 20 { flush() }
    }
    mutating func line(_ s: String) { raw(s); newline() }
    mutating func comma() { buffer.append(44) }
    mutating func newline() { buffer.append(10) }
    mutating func twoDigits(_ v: Int) { buffer.append(48 + UInt8(v / 10)); buffer.append(48 + UInt8(v % 10)) }
    mutating func int(_ v: Int) {
        if v < 10 { buffer.append(48 + UInt8(v)); return }
        var digits: [UInt8] = []
        var x = v
        while x > 0 { digits.append(48 + UInt8(x % 10)); x /= 10 }
        buffer.append(contentsOf: digits.reversed())
    }
    mutating func flush() {
        handle.write(Data(buffer))
        written += buffer.count
        buffer.removeAll(keepingCapacity: true)
    }
    mutating func close() throws {
        flush()
        try handle.close()
    }
}
