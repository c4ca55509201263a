public import Events
public import LMDB

/// A read model built from the journal: it applies events, in order, inside the write
/// transaction the projector commits together with its checkpoint.
///
/// A projection keeps all it needs in its own environment (time zones, ids it has seen),
/// so replaying the journal into an empty environment gives the same result as
/// following it live.
public protocol Projection: AnyObject {
    /// The projection's name, also its directory under `<data>/projections/`.
    static var name: String { get }
    /// Bumped when the stored layout changes; a store of another version must be rebuilt.
    static var schemaVersion: Int { get }

    /// Opens (creating if needed) the projection's databases.
    init(opening transaction: Transaction) throws

    /// Called at the start of each batch's transaction, which may run again after the
    /// map grew: forget what the previous attempt gathered in memory.
    func beginBatch()

    /// Applies one event. Called in sequence order, never twice for the same sequence
    /// number in one store.
    func apply(_ event: Event, seq: UInt64, in transaction: Transaction) throws

    /// Applies one request read in place, as ``apply(_:seq:in:)`` would apply its event: a
    /// `requestLogged`, or a `requestBodiesExpired` when `request.bodiesExpired`. Projectors
    /// call it for every request (most of the journal), so that none is decoded into an
    /// event with strings of its own; `request`'s bytes are valid only during the call.
    func applyRequest(_ request: RequestFields, seq: UInt64, in transaction: Transaction) throws

    /// Writes what `apply` gathered in memory for this batch, before the commit.
    func finishBatch(in transaction: Transaction) throws

    /// How much of each request `apply` is given: `.summary` (the default: no bodies, no
    /// headers) or `.counting` (only the connection id, method, status and duration),
    /// for a projection that reads no more of a request than that.
    static var requestFields: BinaryEventCodec.Bodies { get }
}

extension Projection {
    public func beginBatch() {}

    public static var requestFields: BinaryEventCodec.Bodies { .summary }
}

/// The projections Junction builds, by name.
public enum ProjectionCatalog {
    // Metatypes of final classes without static state: nothing to share unsafely.
    nonisolated(unsafe) public static let all: [any Projection.Type] = [
        ConnectionsProjection.self, ActivityProjection.self, LogsProjection.self, HealthProjection.self,
    ]

    public static var names: [String] { all.map { $0.name } }

    public static func type(named name: String) -> (any Projection.Type)? {
        all.first { $0.name == name }
    }
}
