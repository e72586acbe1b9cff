using System.Globalization;

namespace Baton.DashboardBench;

/// <summary>Percentiles of a sample (nearest rank), formatted for the report.</summary>
internal static class Stats
{
    public static double Percentile(IReadOnlyCollection<double> values, double p)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToArray();
        var rank = (int)Math.Ceiling(p / 100.0 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    public static double Median(IReadOnlyCollection<double> values) => Percentile(values, 50);

    public static string Ms(double value) => double.IsNaN(value) ? "–" : value.ToString("0.0", CultureInfo.InvariantCulture);

    public static string Ratio(double baton, double baseline) =>
        double.IsNaN(baton) || double.IsNaN(baseline) || baseline <= 0 ? "–" : (baton / baseline).ToString("0.00", CultureInfo.InvariantCulture) + "×";

    public static string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

    /// <summary>Milliseconds since the Unix epoch with sub-millisecond resolution, the clock the browser's performance.timeOrigin + now() uses.</summary>
    public static double NowUnixMs() => (DateTime.UtcNow - DateTime.UnixEpoch).TotalMilliseconds;

    public static double UnixMs(string isoTime) =>
        (DateTimeOffset.Parse(isoTime, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal).UtcDateTime - DateTime.UnixEpoch).TotalMilliseconds;
}
