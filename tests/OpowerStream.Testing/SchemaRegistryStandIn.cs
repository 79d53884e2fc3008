using System.Globalization;
using System.Net;
using System.Text.Json;
using Avro;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace OpowerStream.Testing;

/// <summary>
/// A stand-in for Confluent's Schema Registry (no registry server can run here): the part of its REST API that
/// Confluent's .NET client calls, over real HTTP on 127.0.0.1 (Kestrel), with the registry's rules: ids are
/// global, one schema (by its Avro canonical form) keeps one id across subjects, a subject's versions count
/// from 1 and registering the same schema again adds no version. Unknown ids and subjects answer 404 with the
/// registry's error codes. Every request is recorded, and one it does not serve fails the test that reads
/// <see cref="Unanswered"/>. Not Confluent's server: compatibility checks, deletes, contexts and modes are absent.
/// </summary>
public sealed class SchemaRegistryStandIn : IAsyncDisposable
{
    private const string ContentType = "application/vnd.schemaregistry.v1+json";
    private const int SubjectNotFound = 40401;
    private const int VersionNotFound = 40402;
    private const int SchemaNotFound = 40403;

    private readonly Lock gate = new();
    private readonly List<(string Canonical, string Schema)> schemas = [];
    private readonly Dictionary<string, List<int>> subjects = new(StringComparer.Ordinal);
    private readonly List<string> requests = [];
    private readonly List<string> unanswered = [];
    private readonly List<string?> authorizations = [];
    private WebApplication? app;

    private SchemaRegistryStandIn()
    {
    }

    public string Url { get; private set; } = "";

    /// <summary>Every request as <c>METHOD /path</c>, in order.</summary>
    public IReadOnlyList<string> Requests => Snapshot(requests);

    /// <summary>Requests the stand-in has no route for (what the client called that a real registry would serve).</summary>
    public IReadOnlyList<string> Unanswered => Snapshot(unanswered);

    /// <summary>The Authorization header of every request (null when absent).</summary>
    public IReadOnlyList<string?> Authorizations => Snapshot(authorizations);

    public IReadOnlyList<string> Subjects
    {
        get
        {
            lock (gate)
            {
                return [.. subjects.Keys.Order(StringComparer.Ordinal)];
            }
        }
    }

    public static async Task<SchemaRegistryStandIn> StartAsync()
    {
        var registry = new SchemaRegistryStandIn();
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = typeof(SchemaRegistryStandIn).Assembly.GetName().Name });
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var web = builder.Build();
        web.Run(registry.HandleAsync);
        await Task.Run(() => web.StartAsync());
        registry.app = web;
        registry.Url = web.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return registry;
    }

    /// <summary>Registers <paramref name="schemaJson"/> under <paramref name="subject"/> as a client would; returns its id.</summary>
    public int Register(string subject, string schemaJson)
    {
        lock (gate)
        {
            var canonical = Canonical(schemaJson);
            var index = schemas.FindIndex(s => s.Canonical == canonical);
            if (index < 0)
            {
                schemas.Add((canonical, schemaJson));
                index = schemas.Count - 1;
            }

            var id = index + 1;
            var versions = subjects.TryGetValue(subject, out var known) ? known : subjects[subject] = [];
            if (!versions.Contains(id))
            {
                versions.Add(id);
            }

            return id;
        }
    }

    /// <summary>The schema text of each version of <paramref name="subject"/>, oldest first, with its id.</summary>
    public IReadOnlyList<(int Id, string Schema)> Versions(string subject)
    {
        lock (gate)
        {
            return subjects.TryGetValue(subject, out var ids) ? [.. ids.Select(id => (id, schemas[id - 1].Schema))] : [];
        }
    }

    public async ValueTask DisposeAsync()
    {
        var running = Interlocked.Exchange(ref app, null);
        if (running is not null)
        {
            await Task.Run(async () =>
            {
                await running.StopAsync();
                await running.DisposeAsync();
            });
        }
    }

    private static string Canonical(string schemaJson) => SchemaNormalization.ToParsingForm(Schema.Parse(schemaJson));

    private IReadOnlyList<T> Snapshot<T>(List<T> list)
    {
        lock (gate)
        {
            return [.. list];
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var path = request.Path.Value ?? "/";
        var segments = path.Trim('/').Split('/').Select(Uri.UnescapeDataString).ToArray();
        string? body = null;
        if (HttpMethods.IsPost(request.Method))
        {
            using var reader = new StreamReader(request.Body);
            body = await reader.ReadToEndAsync();
        }

        lock (gate)
        {
            requests.Add($"{request.Method} {path}");
            authorizations.Add(request.Headers.Authorization.Count == 0 ? null : request.Headers.Authorization.ToString());
        }

        var (status, answer) = (request.Method, segments) switch
        {
            ("POST", ["subjects", var subject, "versions"]) => (200, (object)new { id = Register(subject, SchemaOf(body)) }),
            ("POST", ["subjects", var subject]) => Lookup(subject, SchemaOf(body)),
            ("GET", ["schemas", "ids", var id]) => ById(id),
            ("GET", ["subjects"]) => (200, Subjects),
            ("GET", ["subjects", var subject, "versions"]) => VersionNumbers(subject),
            ("GET", ["subjects", var subject, "versions", var version]) => Version(subject, version),
            // Confluent's 2.16 deserializer first asks which subject a topic is associated with (newer registries);
            // with none (an older registry answers 404 too) it falls back to the subject name strategy.
            ("GET", ["associations", "resources", _, var resource]) => Error(404, $"No associations for resource '{resource}'."),
            _ => Unserved($"{request.Method} {path}{request.QueryString}"),
        };
        context.Response.StatusCode = status;
        context.Response.ContentType = ContentType;
        await context.Response.WriteAsync(JsonSerializer.Serialize(answer));
    }

    private static string SchemaOf(string? body)
    {
        using var document = JsonDocument.Parse(body ?? "{}");
        return document.RootElement.GetProperty("schema").GetString() ?? throw new InvalidOperationException("A request without a schema.");
    }

    private (int, object) Lookup(string subject, string schemaJson)
    {
        lock (gate)
        {
            if (!subjects.TryGetValue(subject, out var ids))
            {
                return Error(SubjectNotFound, $"Subject '{subject}' not found.");
            }

            var canonical = Canonical(schemaJson);
            var version = ids.FindIndex(id => schemas[id - 1].Canonical == canonical);
            return version < 0 ? Error(SchemaNotFound, "Schema not found") : (200, Describe(subject, version));
        }
    }

    private (int, object) ById(string id)
    {
        lock (gate)
        {
            return int.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number >= 1 && number <= schemas.Count
                ? (200, new { schema = schemas[number - 1].Schema })
                : Error(SchemaNotFound, "Schema " + id + " not found");
        }
    }

    private (int, object) VersionNumbers(string subject)
    {
        lock (gate)
        {
            return subjects.TryGetValue(subject, out var ids)
                ? (200, Enumerable.Range(1, ids.Count).ToList())
                : Error(SubjectNotFound, $"Subject '{subject}' not found.");
        }
    }

    private (int, object) Version(string subject, string version)
    {
        lock (gate)
        {
            if (!subjects.TryGetValue(subject, out var ids))
            {
                return Error(SubjectNotFound, $"Subject '{subject}' not found.");
            }

            var index = version == "latest" ? ids.Count - 1
                : int.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number - 1 : -1;
            return index >= 0 && index < ids.Count ? (200, Describe(subject, index)) : Error(VersionNotFound, $"Version {version} not found.");
        }
    }

    private Dictionary<string, object> Describe(string subject, int versionIndex)
    {
        var id = subjects[subject][versionIndex];
        return new() { ["subject"] = subject, ["version"] = versionIndex + 1, ["id"] = id, ["schema"] = schemas[id - 1].Schema };
    }

    private (int, object) Unserved(string request)
    {
        lock (gate)
        {
            unanswered.Add(request);
        }

        return Error(404, $"The stand-in registry does not serve {request}.");
    }

    private static (int, object) Error(int code, string message) =>
        (code > 999 ? code / 100 : code, new Dictionary<string, object> { ["error_code"] = code, ["message"] = message });
}
