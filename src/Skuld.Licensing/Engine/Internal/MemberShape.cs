using System.Collections.Immutable;
using System.Runtime.InteropServices;

namespace Skuld.Licensing.Engine.Internal;

/// <summary>
/// The outcome of one evaluated member, in a form another member of the same shape can replay:
/// the seat changes, the rows (shared new rows, or the member's own rows where evaluation kept them)
/// and the SKUs refused a seat.
/// </summary>
internal sealed class MemberShape
{
    private readonly bool changed;
    private readonly bool keepsInput;
    private readonly int[]? sources;
    private readonly AssignmentState[] rows;
    private readonly ImmutableArray<AssignmentState> shared;
    private readonly ImmutableArray<SeatChange> seatChanges;
    private readonly Guid[] refused;

    private MemberShape(MemberOutcome outcome, ImmutableArray<AssignmentState> input)
    {
        changed = outcome.Changed;
        seatChanges = outcome.SeatChanges;
        shared = outcome.Assignments;
        rows = [.. outcome.Assignments];
        // Unchanged rows in the given order come back as the very array given.
        keepsInput = outcome.Assignments == input;
        var refusedSkus = new List<Guid>();
        var fromInput = new int[rows.Length];
        var anyFromInput = false;
        for (var i = 0; i < rows.Length; i++)
        {
            fromInput[i] = IndexOf(input, rows[i]);
            anyFromInput |= fromInput[i] >= 0;
            if (rows[i].Error == LicenseError.CountViolation && !rows[i].GrantsLicense)
            {
                refusedSkus.Add(rows[i].SkuId);
            }
        }
        sources = anyFromInput ? fromInput : null;
        refused = [.. refusedSkus];
    }

    public static MemberShape Of(MemberOutcome outcome, ImmutableArray<AssignmentState> input) => new(outcome, input);

    /// <summary>The member's outcome: seats taken and freed in the ledger as evaluation does (see MemberEvaluator.CommitSeats).</summary>
    public MemberOutcome Replay(Guid userId, ImmutableArray<AssignmentState> input, SeatLedger ledger)
    {
        // Each SKU is taken or freed at most once, so the order of these calls does not matter.
        foreach (var change in seatChanges)
        {
            if (change.Delta > 0)
            {
                ledger.Take(change.SkuId);
            }
            else
            {
                ledger.Release(change.SkuId);
            }
        }
        foreach (var skuId in refused)
        {
            if (ledger.Available(skuId) < 1)
            {
                ledger.NoteRefused(skuId);
            }
        }
        return new MemberOutcome(userId, keepsInput ? input : sources is null ? shared : Rows(input), seatChanges, changed);
    }

    // Rows evaluation kept are the member's own instances (it returns them untouched); new rows are shared.
    private ImmutableArray<AssignmentState> Rows(ImmutableArray<AssignmentState> input)
    {
        var result = new AssignmentState[rows.Length];
        for (var i = 0; i < rows.Length; i++)
        {
            result[i] = sources![i] >= 0 ? input[sources[i]] : rows[i];
        }
        return ImmutableCollectionsMarshal.AsImmutableArray(result);
    }

    private static int IndexOf(ImmutableArray<AssignmentState> input, AssignmentState row)
    {
        for (var i = 0; i < input.Length; i++)
        {
            if (ReferenceEquals(input[i], row))
            {
                return i;
            }
        }
        return -1;
    }
}
