/// Where a connection stands: active until blocked (and again once unblocked), and
/// disconnected for good.
public enum ConnectionStatus: UInt8, Hashable, Sendable, CaseIterable {
    case active = 0
    case blocked = 1
    case disconnected = 2

    public var name: String {
        switch self {
        case .active: "active"
        case .blocked: "blocked"
        case .disconnected: "disconnected"
        }
    }

    public init?(name: String) {
        guard let s = Self.allCases.first(where: { $0.name == name }) else { return nil }
        self = s
    }

}
