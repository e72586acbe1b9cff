using System.Text.Json.Serialization;

namespace Baton.Infrastructure.Storage.Sql;

[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(List<string>))]
internal sealed partial class StoreJsonContext : JsonSerializerContext
{
}
