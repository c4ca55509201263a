public import Answers

/// **Afficher l'activité**: the 30-day chart, a bar a day in the connection's zone, the
/// errors marked on each bar, its count on hover.
public struct ActivityPage: Sendable {
    public struct Bar: Sendable {
        public var date: String
        public var total: UInt64
        public var errors: UInt64
        public var x: Int
        public var y: Int
        public var width: Int
        public var height: Int
        public var errorY: Int
        public var errorHeight: Int
        public var hasErrors: Bool
        /// What hovering the bar says.
        public var title: String
        /// A date under every fifth bar.
        public var label: String?
        public var labelX: Int
    }

    public var chrome: Chrome
    public var connection: ConnectionHeader
    public var total: UInt64
    public var bars: [Bar]
    public var chartWidth: Int
    public var chartHeight: Int
    /// The baseline's y, and where the dates go.
    public var baseline: Int
    public var labelY: Int
    public var maxLabel: UInt64

    public init(chrome: Chrome, connection: ConnectionHeader, activity: ActivityAnswer) {
        self.chrome = chrome
        self.connection = connection
        total = activity.total
        let step = 24, barWidth = 18, plot = 160, top = 10
        chartWidth = max(activity.days.count * step, step) + 8
        chartHeight = top + plot + 30
        baseline = top + plot
        labelY = baseline + 18
        let highest = max(activity.days.map(\.total).max() ?? 0, 1)
        maxLabel = highest
        let t = chrome.t
        bars = activity.days.enumerated().map { i, day in
            let height = day.total == 0 ? 0 : max(Int((Double(day.total) / Double(highest) * Double(plot)).rounded()), 2)
            let errorHeight = day.errors == 0 ? 0 : max(Int((Double(day.errors) / Double(highest) * Double(plot)).rounded()), 2)
            let date = day.date.description
            let x = 4 + i * step
            return Bar(
                date: date, total: day.total, errors: day.errors, x: x, y: top + plot - height, width: barWidth,
                height: height, errorY: top + plot - errorHeight, errorHeight: errorHeight, hasErrors: day.errors > 0,
                title: "\(date): \(day.total)" + (day.errors > 0 ? " (\(day.errors) \(t.errors))" : ""),
                label: (activity.days.count - 1 - i) % 5 == 0 ? String(date.dropFirst(5)) : nil, labelX: x + barWidth / 2)
        }
    }
}
