using System.ComponentModel.DataAnnotations;
using System.Net;

namespace OpowerStream.Hosting.Health;

/// <summary>
/// The <c>Health</c> section: where a service answers <c>/healthz</c>, <c>/readyz</c> and <c>/metrics</c>.
/// Off unless <see cref="Port"/> is set; loopback unless <see cref="Address"/> says otherwise (a container
/// sets <c>0.0.0.0</c> so its orchestrator can reach it).
/// </summary>
public sealed class HealthOptions : IValidatableObject
{
    public const string Section = "Health";

    /// <summary>Null (the default): no endpoint. 0: any free port (logged). Else that port.</summary>
    [Range(0, 65535)]
    public int? Port { get; set; }

    /// <summary>The IP address to listen on: <c>127.0.0.1</c> by default, <c>0.0.0.0</c> or <c>::</c> for every interface.</summary>
    public string Address { get; set; } = "127.0.0.1";

    /// <summary>A service loop that has not reported for this long is not alive (<c>/healthz</c> answers 503).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan LivenessTimeout { get; set; } = TimeSpan.FromMinutes(1);

    public bool Enabled => Port is not null;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!IPAddress.TryParse(Address, out _))
        {
            yield return new ValidationResult(
                $"Health:Address must be an IP address such as 127.0.0.1 or 0.0.0.0 (was '{Address}').", [nameof(Address)]);
        }
    }

    public IPAddress ListenAddress() => IPAddress.Parse(Address);
}
