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
