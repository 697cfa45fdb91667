using System.Collections.Frozen;
using System.Text;

namespace Piazza.Core;

/// <summary>
/// The "skeleton" of a name, after UTS #39 in spirit: two names with the same skeleton look alike, so a new name
/// whose skeleton equals an existing name's (other than its own) is refused as <c>name_confusable</c>.
/// Steps: NFKC (fullwidth, ligatures, mathematical letters); Cyrillic and Greek letters that look Latin become that
/// Latin letter (<see cref="LookAlikes"/>); full case folding; then 0→o, 1/i→l, rn→m, vv→w. It over-approximates on
/// purpose: a false match only refuses a new name. Stored skeletons must be recomputed (a migration) if this changes.
/// </summary>
public static class NameSkeleton
{
    // Look-alikes of Latin letters, case by case (an upper-case Greek Eta looks like H, a lower-case one like n):
    // the n-th character of each string in LookAlikeSources maps to the n-th of LookAlikeTargets.
    private static readonly string[] LookAlikeSources =
    [
        "АВЕКМНОРСТХУҮЅІЈԚԜӀЗ", // Cyrillic capitals
        "авекмнорстхуүѕіјԁԛԝһӏпз", // Cyrillic small letters (some look like Latin small capitals)
        "ΑΒΕΖΗΙΚΜΝΟΡΤΥΧ", // Greek capitals
        "αγεηικνορυχϲϳ", // Greek small letters
        "ıȷɑɡß", // Latin letters that look like other Latin letters
    ];

    private static readonly string[] LookAlikeTargets =
    [
        "ABEKMHOPCTXYYSIJQWI3",
        "abekmhopctxyysijdqwhln3",
        "ABEZHIKMNOPTYX",
        "ayeniknopuxcj",
        "ijags",
    ];

    private static readonly FrozenDictionary<int, char> LookAlikes = LookAlikeSources
        .SelectMany((source, i) => source.Select((c, j) => KeyValuePair.Create((int)c, LookAlikeTargets[i][j])))
        .ToFrozenDictionary();

    /// <summary>The skeleton of a name (any string; invalid names get a skeleton too).</summary>
    public static string Of(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var compatible = UnicodeHygiene.Normalize(name, NormalizationForm.FormKC);
        var mapped = new StringBuilder(compatible.Length);
        foreach (var rune in compatible.EnumerateRunes())
        {
            if (LookAlikes.TryGetValue(rune.Value, out var latin))
            {
                mapped.Append(latin);
                if (rune.Value == 'ß')
                {
                    mapped.Append('s'); // ß folds to "ss"
                }
            }
            else
            {
                mapped.Append(rune.ToString());
            }
        }

        // Upper then lower folds what lower-casing alone does not (final sigma, long s).
        var folded = mapped.ToString().ToUpperInvariant().ToLowerInvariant();
        var skeleton = new StringBuilder(folded.Length);
        foreach (var c in folded)
        {
            skeleton.Append(c switch
            {
                '0' => 'o',
                '1' or 'i' => 'l',
                _ => c,
            });
        }

        return skeleton.Replace("rn", "m").Replace("vv", "w").ToString();
    }
}
