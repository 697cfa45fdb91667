namespace Piazza.Protocol;
