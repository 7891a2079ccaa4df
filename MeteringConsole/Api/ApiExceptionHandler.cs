using System.Text.RegularExpressions;
using MeteringConsole.Common;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace MeteringConsole.Api;

/// <summary>Turns the services' exceptions into application/problem+json answers.</summary>
public sealed class ApiExceptionHandler : IExceptionHandler
{
    private readonly IProblemDetailsService _problems;
    private readonly ILogger<ApiExceptionHandler> _log;

    public ApiExceptionHandler(IProblemDetailsService problems, ILogger<ApiExceptionHandler> log)
    {
        _problems = problems;
        _log = log;
    }

    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken ct)
    {
        // The middleware has already rewritten the path to the error page; the feature keeps the original.
        var path = context.Features.Get<IExceptionHandlerPathFeature>()?.Path ?? context.Request.Path.Value;
        if (!new PathString(path).StartsWithSegments(ApiRegistration.Prefix)) return false;
        ProblemDetails problem = exception switch
        {
            ValidationException v => new HttpValidationProblemDetails(v.Errors.ToDictionary(e => e.Key, e => e.Value))
            {
                Status = 400, Title = "The request is invalid.", Detail = v.Message,
            },
            // A body field of the wrong JSON type: name the field, as validation errors do.
            BadHttpRequestException { InnerException: System.Text.Json.JsonException { Path: { Length: > 2 } jsonPath } json } => new HttpValidationProblemDetails(
                new Dictionary<string, string[]> { [jsonPath.TrimStart('$', '.')] = new[] { "This value has the wrong type or format." } })
            {
                Status = 400, Title = "The request is malformed.", Detail = json.Message,
            },
            // A query or route value that does not parse (from=abc): name the parameter, as validation errors do.
            BadHttpRequestException { StatusCode: 400 } b when BindingFailure(b.Message) is { } field => new HttpValidationProblemDetails(
                new Dictionary<string, string[]> { [field.Name] = new[] { $"'{field.Value}' is not a valid {field.Type}." } })
            {
                Status = 400, Title = "The request is invalid.", Detail = b.Message,
            },
            BadHttpRequestException b => new ProblemDetails
            {
                Status = b.StatusCode, Title = b.StatusCode == 413 ? "The request is too large." : "The request is malformed.",
                Detail = b.InnerException?.Message ?? b.Message,
            },
            ForbiddenException f => new ProblemDetails { Status = 403, Title = "Forbidden.", Detail = f.Message },
            NotFoundException n => new ProblemDetails { Status = 404, Title = "Not found.", Detail = n.Message },
            ConflictException c => new ProblemDetails { Status = 409, Title = "Conflict.", Detail = c.Message },
            Data.DatabaseBusyException busy => new ProblemDetails { Status = 503, Title = "The database is busy.", Detail = busy.Message },
            // Two requests racing past a service's own uniqueness check meet the database's unique index.
            Microsoft.EntityFrameworkCore.DbUpdateException update when Data.DbErrors.IsConstraintViolation(update) =>
                new ProblemDetails { Status = 409, Title = "Conflict.", Detail = "The change conflicts with existing data (a duplicate or a row still in use); nothing was saved." },
            _ => new ProblemDetails { Status = 500, Title = "Something went wrong on the server." },
        };
        // A 4xx is the caller's mistake, answered as designed: a line for the record, no stack trace.
        if (problem.Status >= 500) _log.LogError(exception, "Unhandled API error on {Method} {Path}", context.Request.Method, path);
        else _log.LogInformation("{Method} {Path} answered {Status}: {Detail}", context.Request.Method, path, problem.Status, problem.Detail ?? problem.Title);
        context.Response.StatusCode = problem.Status!.Value;
        if (problem.Status == 503) context.Response.Headers.RetryAfter = "5";
        return await _problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem, Exception = exception });
    }

    // Minimal APIs word a value that does not bind as: Failed to bind parameter "DateOnly? from" from "abc".
    private static readonly Regex BindingFailurePattern = new(
        "^Failed to bind parameter \"(?<type>[^\" ]+?)\\?? (?<name>[A-Za-z_][A-Za-z0-9_]*)\" from \"(?<value>.*)\"\\.$", RegexOptions.None, TimeSpan.FromSeconds(1));

    private static (string Name, string Type, string Value)? BindingFailure(string message)
    {
        var m = BindingFailurePattern.Match(message);
        if (!m.Success) return null;
        var type = m.Groups["type"].Value switch
        {
            "DateOnly" => "date (YYYY-MM-DD)",
            "DateTime" or "DateTimeOffset" => "date-time",
            "int" or "long" or "Int32" or "Int64" => "whole number",
            "bool" or "Boolean" => "boolean (true or false)",
            "decimal" or "double" => "number",
            var other => other,
        };
        return (m.Groups["name"].Value, type, m.Groups["value"].Value);
    }
}
