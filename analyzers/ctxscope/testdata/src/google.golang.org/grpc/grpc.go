// Package grpc is a stub of google.golang.org/grpc for analyzer tests.
package grpc

import "context"

type ServiceDesc struct{ ServiceName string }

type ServiceRegistrar interface {
	RegisterService(desc *ServiceDesc, impl any)
}

type ServerStream interface {
	Context() context.Context
	SendMsg(m any) error
}

type Server struct{}

func NewServer() *Server { return &Server{} }

func (s *Server) RegisterService(desc *ServiceDesc, impl any) {}
