namespace Piazza.Client;
