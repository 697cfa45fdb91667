namespace Piazza.Core;
