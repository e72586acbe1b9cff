using System.Text;
using System.Text.Json;

namespace Baton.Mcp;

/// <summary>Small JSON answers written directly (Utf8JsonWriter): no serializer, nothing for the trimmer to lose.</summary>
internal static class JsonText
{
    public static string Write(Action<Utf8JsonWriter> body)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            body(writer);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
