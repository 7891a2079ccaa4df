namespace MeteringConsole.Common;

/// <summary>Bad input: field name to messages. Nothing was changed.</summary>
public sealed class ValidationException : Exception
{
    public IReadOnlyDictionary<string, string[]> Errors { get; }

    public ValidationException(IReadOnlyDictionary<string, string[]> errors)
        : base(string.Join(" ", errors.SelectMany(e => e.Value)))
        => Errors = errors;

    public ValidationException(string field, string message)
        : this(new Dictionary<string, string[]> { [field] = new[] { message } }) { }
}

/// <summary>The actor's role or client scope does not allow this.</summary>
public sealed class ForbiddenException : Exception
{
    public ForbiddenException(string message) : base(message) { }
}

public sealed class NotFoundException : Exception
{
    public NotFoundException(string what, object id) : base($"{what} {id} was not found.") { }
}

/// <summary>The request clashes with the current state (a duplicate name, a finalized period).</summary>
public sealed class ConflictException : Exception
{
    public ConflictException(string message) : base(message) { }
}

/// <summary>Collects field errors and throws them together.</summary>
public sealed class Validator
{
    private readonly Dictionary<string, List<string>> _errors = new();

    public Validator Check(bool ok, string field, string message)
    {
        if (!ok)
        {
            if (!_errors.TryGetValue(field, out var list)) _errors[field] = list = new();
            list.Add(message);
        }
        return this;
    }

    public Validator Required(string? value, string field, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value)) return Check(false, field, $"{Label(field)} is required.");
        return Check(value.Length <= maxLength, field, $"{Label(field)} must be at most {maxLength} characters.");
    }

    public Validator MaxLength(string? value, string field, int maxLength)
        => Check(value is null || value.Length <= maxLength, field, $"{Label(field)} must be at most {maxLength} characters.");

    public bool IsValid => _errors.Count == 0;

    public void ThrowIfInvalid()
    {
        if (!IsValid) throw new ValidationException(_errors.ToDictionary(e => e.Key, e => e.Value.ToArray()));
    }

    private static string Label(string field)
    {
        var words = field.Replace('_', ' ');
        return char.ToUpperInvariant(words[0]) + words[1..];
    }
}

/// <summary>
/// The dates a query may name (audit from/to, usage series): 1970-01-01 to 9999-12-30. Outside
/// it, day arithmetic and time-zone conversions would leave the calendar, so such a date is bad
/// input (400 naming the field), never a 500. No reading or audit entry lies outside it.
/// </summary>
public static class QueryDates
{
    public static readonly DateOnly Earliest = new(1970, 1, 1);
    public static readonly DateOnly Latest = new(9999, 12, 30);

    public static string RangeMessage(string field) => $"{field} must be a date from {Earliest:yyyy-MM-dd} to {Latest:yyyy-MM-dd}.";

    public static Validator CheckDate(this Validator v, DateOnly? date, string field)
        => v.Check(date is null || (date >= Earliest && date <= Latest), field, RangeMessage(field));

    public static DateOnly Require(DateOnly date, string field)
    {
        new Validator().CheckDate(date, field).ThrowIfInvalid();
        return date;
    }
}
