public import Prometheus
internal import Supervision

/// The daemon's Prometheus metrics, kept in one registry that `/metrics` renders.
public final class DaemonMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    private let ingestedEntries: Counter
    private let ingestBatches: Counter
    private let head: Gauge
    private let usedBytes: Gauge

    public init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
        ingestedEntries = registry.makeCounter(descriptor: Self.name("ingested_entries", "total", "Request log entries appended."))
        ingestBatches = registry.makeCounter(descriptor: Self.name("ingest_batches", "total", "Ingestion requests acknowledged."))
        head = registry.makeGauge(descriptor: Self.name("journal_head", "", "The journal's last sequence number."))
        usedBytes = registry.makeGauge(descriptor: Self.name("journal_used", "bytes", "Bytes of the journal's data file in use."))
    }

    func ingested(_ count: Int) {
        ingestedEntries.increment(by: Int64(count))
        ingestBatches.increment()
    }

    func imported(_ count: Int) {
        registry.makeCounter(descriptor: Self.name("imported_events", "total", "Whole events appended through /v1/events."))
            .increment(by: Int64(count))
    }

    package func command(_ name: String) {
        registry.makeCounter(descriptor: Self.name("commands", "total", "Commands appended."), labels: [("command", name)]).increment()
    }

    func update(head: UInt64, bytes: Int, checkpoints: [String: UInt64], projectors: [ProjectorSupervisor.Status]) {
        self.head.set(Double(head))
        usedBytes.set(Double(bytes))
        for (name, checkpoint) in checkpoints {
            registry.makeGauge(descriptor: Self.name("projection_checkpoint", "", "The last journal event applied by a projection."),
                               labels: [("projection", name)]).set(Double(checkpoint))
            registry.makeGauge(descriptor: Self.name("projection_lag", "events", "Events the projection has yet to apply."),
                               labels: [("projection", name)]).set(Double(head > checkpoint ? head - checkpoint : 0))
        }
        for p in projectors {
            registry.makeGauge(descriptor: Self.name("projector_restarts", "", "Times the projector process was restarted."),
                               labels: [("projection", p.name)]).set(Double(p.restarts))
        }
    }

    /// A writer's events not yet in the stream and the age of the oldest (seconds); a
    /// follower's events the stream holds that it has not applied.
    func updateReplication(lagEvents: UInt64, lagSeconds: Double?) {
        registry.makeGauge(descriptor: Self.name("replication_lag", "events", "Events committed or in the stream, not yet shipped or applied here."))
            .set(Double(lagEvents))
        if let lagSeconds {
            registry.makeGauge(descriptor: Self.name("replication_lag", "seconds", "Age of the oldest committed batch not yet in the stream."))
                .set(lagSeconds)
        }
    }

    private static func name(_ metric: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "junction", metricName: metric, unitName: unit, helpText: help)
    }

    func emit() -> [UInt8] {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return buffer
    }
}
