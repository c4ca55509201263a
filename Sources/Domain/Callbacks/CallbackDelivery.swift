/// The hub's rule for delivering a callback: the receiver's answer from 200 to 499
/// acknowledges it (a 4xx is the receiver's own refusal, which trying again cannot
/// change); no answer, or a 5xx, is tried again.
public enum CallbackDelivery {
    /// Whether an attempt answered with `status` (nil: no answer) ends the delivery well.
    public static func acknowledges(status: UInt16?) -> Bool {
        status.map { (200..<500).contains($0) } ?? false
    }
}
