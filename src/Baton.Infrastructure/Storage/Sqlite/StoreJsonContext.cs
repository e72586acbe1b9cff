using System.Text.Json.Serialization;

namespace Baton.Infrastructure.Storage.Sqlite;

[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(List<string>))]
internal sealed partial class StoreJsonContext : JsonSerializerContext
{
}
