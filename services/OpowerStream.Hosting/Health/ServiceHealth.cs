using System.Collections.Concurrent;

namespace OpowerStream.Hosting.Health;

/// <summary>
/// What a service process says about itself. Each part of the host (the store, the broker connection,
/// every consumer or extractor loop) reports through its own <see cref="HealthComponent"/>: loops beat
/// while they run (liveness), and every component says whether it is ready (readiness). The endpoints
/// only read this; nothing here does I/O, so a probe can never hang on a broken dependency.
/// </summary>
public sealed class ServiceHealth(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, HealthComponent> components = new(StringComparer.Ordinal);

    /// <summary>The component of that name, created on first use (not ready until it says so).</summary>
    public HealthComponent Component(string name) =>
        components.GetOrAdd(name, static (key, clock) => new HealthComponent(key, clock), time);

    /// <summary>Alive when every loop that has beaten did so within <paramref name="timeout"/> and none stopped.</summary>
    public HealthReport Liveness(TimeSpan timeout)
    {
        var now = time.GetUtcNow();
        var lines = new List<string>();
        var healthy = true;
        foreach (var component in Ordered())
        {
            var state = component.State;
            if (state.Stopped)
            {
                healthy = false;
                lines.Add($"{component.Name}: stopped");
            }
            else if (state.LastBeat is { } beat)
            {
                var silent = now - beat;
                var alive = silent <= timeout;
                healthy &= alive;
                lines.Add(alive
                    ? $"{component.Name}: alive"
                    : $"{component.Name}: no progress report for {silent.TotalSeconds:0} s (limit {timeout.TotalSeconds:0} s)");
            }
        }

        return new HealthReport(healthy, lines);
    }

    /// <summary>Ready when there is at least one component and every one is ready.</summary>
    public HealthReport Readiness()
    {
        var lines = new List<string>();
        var healthy = true;
        foreach (var component in Ordered())
        {
            var state = component.State;
            healthy &= state.Ready;
            lines.Add($"{component.Name}: {(state.Ready ? "ready" : "not ready")}{(state.Detail.Length > 0 ? $" ({state.Detail})" : "")}");
        }

        return new HealthReport(healthy && lines.Count > 0, lines);
    }

    private IEnumerable<HealthComponent> Ordered() => components.Values.OrderBy(c => c.Name, StringComparer.Ordinal);
}

/// <summary>One part of a service, as the health endpoints show it.</summary>
public sealed class HealthComponent
{
    private readonly TimeProvider time;
    private ComponentState state = new(false, "starting", null, false);

    internal HealthComponent(string name, TimeProvider time)
    {
        Name = name;
        this.time = time;
    }

    public string Name { get; }

    internal ComponentState State => Volatile.Read(ref state);

    /// <summary>A loop's "I am still making progress"; call at least once per <c>Health:LivenessTimeout</c>.</summary>
    public void Beat() => Update(s => s with { LastBeat = time.GetUtcNow() });

    public void Ready(string detail = "") => Update(s => s with { Ready = true, Detail = detail });

    public void NotReady(string reason) => Update(s => s with { Ready = false, Detail = reason });

    /// <summary>The loop completed its work (a <c>--once</c> run): ready, and no longer expected to beat.</summary>
    public void Finished(string detail) => Update(s => s with { Ready = true, Detail = detail, LastBeat = null });

    /// <summary>The loop ended: neither alive nor ready from now on.</summary>
    public void Stopped(string reason) => Update(s => s with { Ready = false, Detail = reason, Stopped = true });

    private void Update(Func<ComponentState, ComponentState> change)
    {
        ComponentState current, next;
        do
        {
            current = Volatile.Read(ref state);
            next = change(current);
        }
        while (!ReferenceEquals(Interlocked.CompareExchange(ref state, next, current), current));
    }
}

internal sealed record ComponentState(bool Ready, string Detail, DateTimeOffset? LastBeat, bool Stopped);

/// <summary>The answer of one probe: healthy or not, and one line per component saying why.</summary>
public sealed record HealthReport(bool Healthy, IReadOnlyList<string> Lines)
{
    public string ToText() => (Healthy ? "ok" : "unavailable") + "\n" + string.Concat(Lines.Select(l => l + "\n"));
}
