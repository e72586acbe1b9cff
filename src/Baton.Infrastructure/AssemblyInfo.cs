[assembly: System.Runtime.CompilerServices.InternalsVisibleTo("Baton.IntegrationTests")]
